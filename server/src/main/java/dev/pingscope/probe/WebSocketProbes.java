package dev.pingscope.probe;

import dev.pingscope.recording.RttRecorders;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
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
    final String helloMessage;
    final int maxMessageChars;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final ScheduledThreadPoolExecutor scheduler;

    public WebSocketProbes(RttRecorders recorders, Counter pingsLost, String instance, Duration pingInterval,
            Duration pingTimeout, int maxMessageChars) {
        this.maxMessageChars = maxMessageChars;
        this.recorders = recorders;
        this.pingsLost = pingsLost;
        this.pingInterval = pingInterval;
        this.pingTimeout = pingTimeout;
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

    public ProbeSocket newSocket() {
        return new ProbeSocket(this);
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
        long periodNanos = pingInterval.toNanos();
        long phase = ThreadLocalRandom.current().nextLong(periodNanos);
        return scheduler.scheduleAtFixedRate(socket::sendPing, phase, periodNanos, TimeUnit.NANOSECONDS);
    }

    void closed() {
        openSessions.decrementAndGet();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
