package dev.pingscope.websocket;

import dev.pingscope.http.ConcurrencyLimiter;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Load;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The WebSocket endpoint /ws: state shared by all connections, and the factory of one {@link ProbeSocket}
 * per connection. One thread ({@link PingWheel}) sends every connection its PINGs, each connection at its
 * own random phase so that thousands of connections do not all get pinged in the same instant.
 */
public final class WebSocketProbes implements AutoCloseable {
    public static final String PATH = "/ws";
    /**
     * Jetty's read buffer while a connection reads (taken from its pool, given back when nothing is left
     * to read): probe messages are tens of bytes; a larger frame is echoed in fragments of this size.
     */
    static final int INPUT_BUFFER_BYTES = 256;

    final RttRecorders recorders;
    final Runnable pingLost;
    final Duration pingInterval;
    final Duration pingTimeout;
    final Duration idleTimeout;
    final String helloMessage;
    final int maxMessageBytes;
    final int maxMessagesPerSecond;
    /**
     * Server messages a connection may hold while an echo goes out in fragments: 32, or half of
     * --ws-max-queued-frames if less, so that sending them all at once never trips that limit.
     */
    final int maxHeldMessages;
    private final WebSocketSettings settings;
    private final ConcurrencyLimiter limiter;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final PingWheel pinger;

    /**
     * @param recorders where ws_ping RTTs are recorded
     * @param pingLost  called for each PING that got no PONG in time
     * @param instance  this instance's name, told to each client in its hello
     */
    public WebSocketProbes(RttRecorders recorders, Runnable pingLost, WebSocketSettings settings, String instance) {
        this.recorders = recorders;
        this.pingLost = pingLost;
        this.settings = settings;
        this.pingInterval = settings.pingInterval();
        this.pingTimeout = settings.pingTimeout();
        this.idleTimeout = settings.idleTimeout();
        this.maxMessageBytes = settings.maxMessageBytes();
        this.maxMessagesPerSecond = settings.maxMessagesPerSecond();
        this.maxHeldMessages = Math.max(1, Math.min(32, settings.maxQueuedFrames() / 2));
        this.limiter = new ConcurrencyLimiter(settings.maxConnections(), settings.maxPerAddress());
        this.helloMessage = ServerMessages.hello(settings, instance);
        this.pinger = new PingWheel(pingInterval);
    }

    /**
     * Jetty's core WebSocket upgrade handler for this server, with the /ws limits, mapping /ws to the
     * connections that the admission lets in; other requests go to its child handler.
     */
    public WebSocketUpgradeHandler upgradeHandler(Server server, WebSocketAdmission admission) {
        WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(server));
        Configuration limits = upgrade.getConfiguration();
        // A little above the ping interval's traffic; our own idle check (ProbeSocket) is the one that acts.
        limits.setIdleTimeout(idleTimeout.plus(pingInterval));
        // Frames above this are cut into fragments as they arrive (auto-fragment): ProbeSocket limits messages.
        limits.setMaxFrameSize(settings.maxMessageBytes());
        limits.setMaxTextMessageSize(settings.maxMessageBytes());
        limits.setMaxBinaryMessageSize(settings.maxMessageBytes());
        limits.setMaxOutgoingFrames(settings.maxQueuedFrames());
        limits.setInputBufferSize(INPUT_BUFFER_BYTES);
        upgrade.addMapping(PATH, admission);
        return upgrade;
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
        for (ProbeSocket socket : pinger.sockets()) {
            socket.goAway(reason);
        }
    }

    /** Open WebSocket sessions right now. */
    public int openSessions() {
        return openSessions.get();
    }

    /** Admission slots held right now: open sockets, and upgrades under way that will open one or give it back. */
    public int slotsHeld() {
        return limiter.open();
    }

    /** Client addresses holding an admission slot right now. */
    public int addressesHeld() {
        return limiter.addressesHeld();
    }

    /** How many PINGs may be unanswered at once before the oldest must have timed out. */
    int pingSlots() {
        long slots = pingTimeout.toNanos() / pingInterval.toNanos() + 2;
        return (int) Math.min(64, slots);
    }

    /** Counts the socket as open and puts it in the ping wheel; returns its slot there, for {@link #closed}. */
    int opened(ProbeSocket socket) {
        openSessions.incrementAndGet();
        return pinger.add(socket);
    }

    /** @param wheelSlot what {@link #opened} returned, or -1 if the socket never opened */
    void closed(ProbeSocket socket, int wheelSlot) {
        if (wheelSlot >= 0) {
            openSessions.decrementAndGet();
            pinger.remove(socket, wheelSlot);
        }
        limiter.release(socket.clientAddress());
    }

    @Override
    public void close() {
        pinger.close();
    }
}
