package dev.pingscope.websocket;

import dev.pingscope.ServerConfig;
import dev.pingscope.recording.RttRecorders;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSocket endpoint /ws: state shared by all connections, and the factory of one {@link ProbeSocket}
 * per connection. One scheduler thread sends every connection its PINGs, each connection at its own
 * random phase so that thousands of connections do not all get pinged in the same instant.
 */
public final class WebSocketProbes implements AutoCloseable {
    public static final String PATH = "/ws";
    public static final int PROTOCOL_VERSION = 1;
    /** Read buffer per connection, and the size of the text buffer Jetty allocates per message. */
    public static final int INPUT_BUFFER_BYTES = 256;

    final RttRecorders recorders;
    final Counter pingsLost;
    final Duration pingInterval;
    final Duration pingTimeout;
    final Duration idleTimeout;
    final String helloMessage;
    final int maxMessageChars;
    final int maxMessagesPerSecond;
    /**
     * Server messages a connection may hold while an echo goes out in fragments: 32, or half of
     * --ws-max-queued-frames if less, so that sending them all at once never trips that limit.
     */
    final int maxHeldMessages;
    private final ConnectionLimiter limiter;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Set<ProbeSocket> sockets = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;

    public WebSocketProbes(RttRecorders recorders, Counter pingsLost, ServerConfig config) {
        this.recorders = recorders;
        this.pingsLost = pingsLost;
        this.pingInterval = config.pingInterval();
        this.pingTimeout = config.pingTimeout();
        this.idleTimeout = config.wsIdleTimeout();
        this.maxMessageChars = config.wsMaxMessageBytes();
        this.maxMessagesPerSecond = config.limits().wsMaxMessagesPerSecond();
        this.maxHeldMessages = Math.max(1, Math.min(32, config.limits().wsMaxQueuedFrames() / 2));
        this.limiter = new ConnectionLimiter(config.limits().wsMaxConnections(), config.limits().wsMaxPerAddress());
        String instance = config.instance();
        this.helloMessage = "{\"type\":\"hello\",\"protocol\":" + PROTOCOL_VERSION
                + ",\"instance\":\"" + instance + "\""
                + ",\"ping_interval_ms\":" + pingInterval.toMillis()
                + ",\"ping_timeout_ms\":" + pingTimeout.toMillis() + "}";
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pingscope-pinger");
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Admits a connection from this client address, or says why not.
     *
     * @return the socket, or null after answering the upgrade with 503 (instance full) or 429 (address full)
     */
    public ProbeSocket admit(String clientAddress, Refusal refusal) {
        ConnectionLimiter.Verdict verdict = limiter.tryAcquire(clientAddress);
        switch (verdict) {
            case TOO_MANY_TOTAL -> refusal.refuse(503, "this instance holds its maximum of WebSocket connections");
            case TOO_MANY_FROM_ADDRESS -> refusal.refuse(429, "too many WebSocket connections from " + clientAddress);
            default -> {
                return new ProbeSocket(this, clientAddress);
            }
        }
        return null;
    }

    /** Answers a refused upgrade with an HTTP status and a message. */
    @FunctionalInterface
    public interface Refusal {
        void refuse(int status, String message);
    }

    /** Closes every open WebSocket with 1001 (going away), as a graceful shutdown does. */
    public void closeAll(String reason) {
        for (ProbeSocket socket : sockets) {
            socket.goAway(reason);
        }
    }

    /** Open WebSocket sessions right now. */
    public int openSessions() {
        return openSessions.get();
    }

    /** How many PINGs may be unanswered at once before the oldest must have timed out. */
    int pingSlots() {
        long slots = pingTimeout.toNanos() / pingInterval.toNanos() + 2;
        return (int) Math.min(64, slots);
    }

    ScheduledFuture<?> opened(ProbeSocket socket) {
        openSessions.incrementAndGet();
        sockets.add(socket);
        long periodNanos = pingInterval.toNanos();
        long phase = ThreadLocalRandom.current().nextLong(periodNanos);
        return scheduler.scheduleAtFixedRate(socket::sendPing, phase, periodNanos, TimeUnit.NANOSECONDS);
    }

    void closed(ProbeSocket socket, boolean wasOpen) {
        if (wasOpen) {
            openSessions.decrementAndGet();
            sockets.remove(socket);
        }
        limiter.release(socket.clientAddress());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
