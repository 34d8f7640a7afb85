package dev.pingscope.prober;

import dev.pingscope.recording.RttRecorders;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The draft's foreign probes (docs/load.md): ten times a second, open-loop, a new TCP connection (and TLS
 * session over https) on which one GET of the 1-byte object goes; the TCP handshake, the TLS handshake and
 * the request to its last byte are timed apart. A probe still running when the next is due does not delay
 * it (up to {@link #MAX_IN_FLIGHT} at once; beyond, and without an answer in the timeout, it is lost).
 */
final class ForeignProber implements AutoCloseable {
    static final long PERIOD_MILLIS = 100;
    static final int MAX_IN_FLIGHT = 32;
    static final String SMALL_PATH = "/load/download?bytes=1";

    private final URI target;
    private final ProbeOptions options;
    private final boolean tls;
    private final String smallPath;
    private final Recorder tcp = newRecorder();
    private final Recorder handshake = newRecorder();
    private final Recorder http = newRecorder();
    private final LongAdder lost = new LongAdder();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pingscope-foreign-tick"));
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> daemon(r, "pingscope-foreign-probe"));
    private volatile String lastError;

    ForeignProber(ProbeOptions options) {
        this.options = options;
        this.target = options.target();
        this.tls = Targets.isTls(target);
        this.smallPath = Targets.http(target, SMALL_PATH).getRawPath() + "?bytes=1";
    }

    /** One interval's foreign samples, µs; tls is null over plain http. */
    record Interval(Histogram tcp, Histogram tls, Histogram http, long lost) {}

    @SuppressWarnings("FutureReturnValueIgnored") // probeSafely catches everything; close() ends the schedule
    void start() {
        ticker.scheduleAtFixedRate(() -> {
            if (inFlight.tryAcquire()) {
                probes.execute(this::probeSafely);
            } else {
                lost.increment();
            }
        }, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private long lostSoFar;

    /** Moves what was measured since the last call into an interval. Call from one thread only. */
    Interval take() {
        long lostNow = lost.sum();
        Interval interval = new Interval(tcp.getIntervalHistogram(), tls ? handshake.getIntervalHistogram() : null,
                http.getIntervalHistogram(), lostNow - lostSoFar);
        lostSoFar = lostNow;
        return interval;
    }

    String lastError() {
        return lastError;
    }

    private void probeSafely() {
        try {
            probe();
        } catch (IOException | RuntimeException e) {
            lost.increment();
            lastError = FailureReason.describe(e);
        } finally {
            inFlight.release();
        }
    }

    private void probe() throws IOException {
        int timeoutMillis = (int) options.timeout().toMillis();
        long start = System.nanoTime();
        Socket socket = RawHttp.connect(target, timeoutMillis);
        try {
            long connected = System.nanoTime();
            Socket channel = socket;
            long secured = connected;
            if (tls) {
                channel = RawHttp.secure(socket, target, options);
                secured = System.nanoTime();
            }
            byte[] buffer = new byte[4096];
            long sent = System.nanoTime();
            channel.getOutputStream().write(RawHttp.request("GET", target, smallPath, "Connection: close\r\n"));
            InputStream in = channel.getInputStream();
            RawHttp.Head head = RawHttp.readHead(in, buffer);
            if (head.status() != 200) {
                throw new IOException("GET " + SMALL_PATH + ": " + head.statusLine());
            }
            if (head.filled() == head.bodyStart() && in.read() < 0) { // the 1-byte body came after the head
                throw new IOException("GET " + SMALL_PATH + ": no body");
            }
            long done = System.nanoTime();
            tcp.recordValue(micros(connected - start));
            if (tls) { // per TLS round trip (draft §5.3): TLS 1.2 takes two before data may flow, 1.3 one
                String protocol = ((javax.net.ssl.SSLSocket) channel).getSession().getProtocol();
                handshake.recordValue(micros((secured - connected) / Responsiveness.tlsRoundTrips(protocol)));
            }
            http.recordValue(micros(done - sent));
            if (channel != socket) {
                channel.close();
            }
        } finally {
            socket.close();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        probes.shutdownNow();
    }

    private static Recorder newRecorder() {
        return new Recorder(RttRecorders.LOWEST_MICROS, RttRecorders.HIGHEST_MICROS, RttRecorders.SIGNIFICANT_DIGITS);
    }

    private static long micros(long nanos) {
        return Math.max(RttRecorders.LOWEST_MICROS, Math.min(RttRecorders.HIGHEST_MICROS, nanos / 1_000));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
