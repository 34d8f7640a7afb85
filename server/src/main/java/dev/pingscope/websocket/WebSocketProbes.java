package dev.pingscope.websocket;

import dev.pingscope.http.ConcurrencyLimiter;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Load;
import dev.pingscope.tcpinfo.WebSocketCarriers;
import java.time.Duration;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

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
    /** Gets the kernel's min_rtt (µs) of a connection that asked for its reference, once per PING. */
    final LongConsumer kernelRttMicros;
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
    private final String instance;
    private final ConcurrencyLimiter limiter;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final PingWheel pinger;
    private final WebSocketCarriers carriers = new WebSocketCarriers();

    /**
     * @param recorders where ws_ping RTTs are recorded
     * @param pingLost  called for each PING that got no PONG in time
     * @param instance  this instance's name, told to each client in its hello
     */
    public WebSocketProbes(RttRecorders recorders, Runnable pingLost, LongConsumer kernelRttMicros, WebSocketSettings settings,
            String instance) {
        this.recorders = recorders;
        this.pingLost = pingLost;
        this.kernelRttMicros = kernelRttMicros;
        this.settings = settings;
        this.instance = instance;
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
     * The upgrade handler for this server, with the /ws limits, turning /ws into the connections that the
     * admission lets in; other requests go to its child handler.
     */
    public ProbeUpgradeHandler upgradeHandler(Server server, WebSocketAdmission admission) {
        Configuration.ConfigurationCustomizer limits = new Configuration.ConfigurationCustomizer();
        // A little above the ping interval's traffic; our own idle check (ProbeSocket) is the one that acts.
        limits.setIdleTimeout(idleTimeout.plus(pingInterval));
        // Frames above this are cut into fragments as they arrive (auto-fragment): ProbeSocket limits messages.
        limits.setMaxFrameSize(settings.maxMessageBytes());
        limits.setMaxTextMessageSize(settings.maxMessageBytes());
        limits.setMaxBinaryMessageSize(settings.maxMessageBytes());
        limits.setMaxOutgoingFrames(settings.maxQueuedFrames());
        limits.setInputBufferSize(INPUT_BUFFER_BYTES);
        return new ProbeUpgradeHandler(admission, WebSocketServerComponents.ensureWebSocketComponents(server), limits);
    }

    /**
     * Admits a connection from this client address, or says why not.
     *
     * @param load the condition its PINGs are recorded under
     * @return the socket, or null after answering the upgrade with 503 (instance full) or 429 (address full)
     */
    public ProbeSocket admit(String clientAddress, Load load, ConnectionAsks asks, Refusal refusal) {
        ConcurrencyLimiter.Verdict verdict = limiter.tryAcquire(clientAddress);
        switch (verdict) {
            case TOO_MANY_TOTAL -> refusal.refuse(503, "this instance holds its maximum of WebSocket connections");
            case TOO_MANY_FROM_ADDRESS -> refusal.refuse(429, "too many WebSocket connections from " + clientAddress);
            default -> {
                return new ProbeSocket(this, clientAddress, load, asks);
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

    /**
     * What a connection asked for at its upgrade, as granted. A PING interval ({@code ping}, ms) is clamped to
     * [--ws-min-ping-interval, --ping-interval], then rounded down to the nearest the wheel keeps evenly spaced:
     * --ping-interval divided by one of {@link PingWheel#STEPS} (for 1 s: 10, 20, 40, 50, 100, 200, 250, 500, 1000 ms),
     * never below the minimum (then rounded up instead).
     *
     * @param requestedPingMillis the interval asked for, or 0 for the server's
     */
    public ConnectionAsks asks(long requestedPingMillis, boolean reference, SocketChannel channel, boolean direct) {
        long intervalNanos = pingInterval.toNanos();
        long wanted = requestedPingMillis <= 0 ? intervalNanos
                : Math.max(settings.minPingInterval().toNanos(), Math.min(intervalNanos, requestedPingMillis * 1_000_000));
        int step = PingWheel.SLOTS;
        for (int i = PingWheel.STEPS.length - 1; i >= 0; i--) {
            long nanos = intervalNanos / PingWheel.SLOTS * PingWheel.STEPS[i];
            if (nanos < settings.minPingInterval().toNanos()) {
                break;
            }
            step = PingWheel.STEPS[i];
            if (nanos <= wanted) {
                break;
            }
        }
        return new ConnectionAsks(step, intervalNanos / PingWheel.SLOTS * step / 1_000_000, Math.max(0, requestedPingMillis),
                reference, reference ? channel : null, direct);
    }

    /** The hello of a connection that asked for something: its own interval, or whether it gets a reference. */
    String helloFor(ConnectionAsks asks) {
        return asks.askedAnything() ? ServerMessages.hello(settings, instance, asks) : helloMessage;
    }

    /** How many PINGs may be unanswered at once before the oldest must have timed out, at this PING interval. */
    int pingSlots(long intervalMillis) {
        long slots = pingTimeout.toMillis() / Math.max(1, intervalMillis) + 2;
        return (int) Math.min(64, slots);
    }

    /** Counts the socket as open and puts it in the ping wheel; returns its first slot there, for {@link #closed}. */
    int opened(ProbeSocket socket, ConnectionAsks asks) {
        openSessions.incrementAndGet();
        if (asks.channel() != null) {
            carriers.opened(asks.channel());
        }
        return pinger.add(socket, asks.pingStep());
    }

    /** @param wheelSlot what {@link #opened} returned, or -1 if the socket never opened */
    void closed(ProbeSocket socket, int wheelSlot, ConnectionAsks asks) {
        if (wheelSlot >= 0) {
            openSessions.decrementAndGet();
            if (asks.channel() != null) {
                carriers.closed(asks.channel());
            }
            pinger.remove(socket, wheelSlot, asks.pingStep());
        }
        limiter.release(socket.clientAddress());
    }

    /** The connections that carry an open probe WebSocket which asked for the kernel's RTT (for HEAD's reference). */
    public WebSocketCarriers carriers() {
        return carriers;
    }

    @Override
    public void close() {
        pinger.close();
    }
}
