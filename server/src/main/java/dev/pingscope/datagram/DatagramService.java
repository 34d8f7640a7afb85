package dev.pingscope.datagram;

import dev.pingscope.http.OriginPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * udp_echo on one UDP port for the server's life: the {@link DatagramListener} of the moment, replaced by a new
 * one with a new certificate {@link #RENEW_BEFORE_EXPIRY} before its certificate ends (a browser takes a
 * serverCertificateHashes certificate for at most 14 days, so one made at start cannot last). Kwik cannot swap
 * the certificate of a running connector, so a renewal closes the old listener, whose sessions end (a page's
 * run then reports that kind's error), and binds the same port again. Pages ask /api/udp for the hash of the
 * moment.
 */
public final class DatagramService implements AutoCloseable {
    public static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);
    /** When a renewal could not bind the port again: try again after this long (udp_echo is unavailable meanwhile). */
    static final Duration RETRY = Duration.ofMinutes(1);
    /** How long a renewal waits for the old listener's port to be free again. */
    static final Duration REBIND_WAIT = Duration.ofSeconds(2);

    private final DatagramSettings settings;
    private final String host;
    private final OriginPolicy origins;
    private final IntSupplier httpPort;
    private final DatagramCounters counters;
    private final int port;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-udp-renewal");
        t.setDaemon(true);
        return t;
    });
    private volatile DatagramListener current;
    private volatile String unavailable;
    private volatile boolean closed;

    private DatagramService(DatagramSettings settings, String host, OriginPolicy origins, IntSupplier httpPort,
            DatagramCounters counters, DatagramListener first) {
        this.settings = settings;
        this.host = host;
        this.origins = origins;
        this.httpPort = httpPort;
        this.counters = counters;
        this.port = first.port();
        this.current = first;
        scheduleRenewal(first);
    }

    /**
     * Listens on the settings' UDP port: the main port's number for {@link DatagramSettings#SAME_AS_HTTP}.
     *
     * @param httpPort the main port actually listened on
     * @throws IOException when the UDP port cannot be bound
     */
    public static DatagramService start(DatagramSettings settings, String host, OriginPolicy origins, IntSupplier httpPort)
            throws IOException {
        int udpPort = settings.port() == DatagramSettings.SAME_AS_HTTP ? httpPort.getAsInt() : settings.port();
        DatagramCounters counters = new DatagramCounters();
        DatagramListener first = DatagramListener.start(udpPort, settings, host, origins, httpPort, counters);
        return new DatagramService(settings, host, origins, httpPort, counters, first);
    }

    /** The listener of the moment, or null while a failed renewal waits to try again. */
    public DatagramListener current() {
        return current;
    }

    /** Why there is no listener now (a failed renewal), or null. */
    public String unavailable() {
        return unavailable;
    }

    /** The UDP port listened on; it stays the same across renewals. */
    public int port() {
        return port;
    }

    public DatagramCounters counters() {
        return counters;
    }

    private void scheduleRenewal(DatagramListener listener) {
        Duration wait = Duration.between(Instant.now(), listener.certificateNotAfter().minus(RENEW_BEFORE_EXPIRY));
        schedule(wait);
    }

    private void schedule(Duration wait) {
        if (!closed) {
            var unused = renewals.schedule(this::renewScheduled, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private void renewScheduled() {
        try {
            renew();
        } catch (IOException e) {
            unavailable = "udp_echo is off until its certificate is renewed: " + e.getMessage();
            System.err.println("pingscope: " + unavailable + " (trying again in " + RETRY.toSeconds() + " s)");
            schedule(RETRY);
        }
    }

    /** Replaces the listener by one with a new certificate on the same port (the renewal thread, and tests). */
    synchronized void renew() throws IOException {
        if (closed) {
            return;
        }
        DatagramListener old = current;
        current = null;
        if (old != null) {
            old.close();
        }
        DatagramListener next = bindAgain();
        current = next;
        unavailable = null;
        scheduleRenewal(next);
    }

    /**
     * Starts the next listener on the same port. The old socket's port is free only once Kwik's receive thread has
     * left its blocking receive (the JDK defers the real close until then), a few milliseconds: so a bind refused
     * as in use is tried again, for up to {@link #REBIND_WAIT}.
     */
    private DatagramListener bindAgain() throws IOException {
        long end = System.nanoTime() + REBIND_WAIT.toNanos();
        while (true) {
            try {
                return DatagramListener.start(port, settings, host, origins, httpPort, counters);
            } catch (IOException e) {
                if (!(e instanceof java.net.BindException) || System.nanoTime() > end) {
                    throw e;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        renewals.shutdownNow();
        DatagramListener l = current;
        if (l != null) {
            l.close();
        }
    }
}
