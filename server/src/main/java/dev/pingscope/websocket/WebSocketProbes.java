package dev.pingscope.websocket;

import dev.pingscope.http.ConcurrencyLimiter;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Load;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The WebSocket endpoint /ws: state shared by all connections, and the factory of one {@link ProbeSocket}
 * per connection. One scheduler thread sends every connection its PINGs, each connection at its own
 * random phase so that thousands of connections do not all get pinged in the same instant.
 */
public final class WebSocketProbes implements AutoCloseable {
    public static final String PATH = "/ws";
    /** Read buffer per connection, and the size of the text buffer Jetty allocates per message. */
    static final int INPUT_BUFFER_BYTES = 256;

    final RttRecorders recorders;
    final Runnable pingLost;
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
    private final WebSocketSettings settings;
    private final ConcurrencyLimiter limiter;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Set<ProbeSocket> sockets = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;

    /**
     * @param recorders where ws_ping RTTs are recorded
     * @param pingLost  called for each PING that got no PONG in time
     */
    public WebSocketProbes(RttRecorders recorders, Runnable pingLost, WebSocketSettings settings) {
        this.recorders = recorders;
        this.pingLost = pingLost;
        this.settings = settings;
        this.pingInterval = settings.pingInterval();
        this.pingTimeout = settings.pingTimeout();
        this.idleTimeout = settings.idleTimeout();
        this.maxMessageChars = settings.maxMessageBytes();
        this.maxMessagesPerSecond = settings.maxMessagesPerSecond();
        this.maxHeldMessages = Math.max(1, Math.min(32, settings.maxQueuedFrames() / 2));
        this.limiter = new ConcurrencyLimiter(settings.maxConnections(), settings.maxPerAddress());
        this.helloMessage = ServerMessages.hello(settings);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pingscope-pinger");
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Sets Jetty's limits for /ws and maps it to connections that the admission lets in. */
    public void install(ServerWebSocketContainer container, WebSocketAdmission admission) {
        // A little above the ping interval's traffic; our own idle check (ProbeSocket) is the one that acts.
        container.setIdleTimeout(idleTimeout.plus(pingInterval));
        container.setMaxTextMessageSize(settings.maxMessageBytes());
        container.setMaxBinaryMessageSize(settings.maxMessageBytes());
        container.setMaxFrameSize(settings.maxMessageBytes());
        container.setMaxOutgoingFrames(settings.maxQueuedFrames());
        // Jetty allocates a text buffer of this size for every message it decodes: probe messages are
        // tens of bytes, so a small buffer keeps the echo path from allocating 4 KiB per message.
        container.setInputBufferSize(INPUT_BUFFER_BYTES);
        container.addMapping(PATH, admission);
    }

    /**
     * Admits a connection from this client address, or says why not.
     *
     * @param load the condition its PINGs are recorded under
     * @return the socket, or null after answering the upgrade with 503 (instance full) or 429 (address full)
     */
    public ProbeSocket admit(String clientAddress, Load load, Refusal refusal) {
        ConcurrencyLimiter.Verdict verdict = limiter.tryAcquire(clientAddress);
        switch (verdict) {
            case TOO_MANY_TOTAL -> refusal.refuse(503, "this instance holds its maximum of WebSocket connections");
            case TOO_MANY_FROM_ADDRESS -> refusal.refuse(429, "too many WebSocket connections from " + clientAddress);
            default -> {
                return new ProbeSocket(this, clientAddress, load);
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
