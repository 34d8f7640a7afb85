package dev.pingscope.prober;

import dev.pingscope.sample.ProbeKind;
import dev.pingscope.recording.RttRecorders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one {@code pingscope probe}: starts the connections, then, once a second until the end, takes each
 * kind's interval histograms (for the totals, the .hlog file and the progress line) and sends pending
 * samples to --report-to.
 *
 * <pre>{@code
 * ProbeReport report = new ProbeRun(options, progressOrNull).call();
 * }</pre>
 */
public final class ProbeRun {
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Lets every connection start before the first probe is due. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ProbeOptions options;
    private final PrintWriter progress;
    private final Map<ProbeKind, ProbeRecorder> recorders = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, Histogram> totalCorrected = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, Histogram> totalRaw = new EnumMap<>(ProbeKind.class);
    private final SampleReporter reporter;
    private HistogramLogWriter hlog;
    private PrintStream hlogStream;

    /** @param progress where to write the progress line once a second, or null for none */
    public ProbeRun(ProbeOptions options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
        this.reporter = options.reportTo() == null ? null : new SampleReporter(options.reportTo(), ProbeClients.forReports(options));
        for (ProbeKind kind : ProbeKind.values()) {
            if (options.kinds().contains(kind)) {
                ProbeRecorder.SampleSink sink = reporter == null ? ProbeRecorder.SampleSink.NONE : reporter.sinkFor(kind);
                recorders.put(kind, new ProbeRecorder(sink));
                totalCorrected.put(kind, RttRecorders.newHistogram());
                totalRaw.put(kind, RttRecorders.newHistogram());
            }
        }
    }

    public ProbeReport call() throws IOException, InterruptedException {
        openHlog();
        long start = System.nanoTime() + START_DELAY_NANOS;
        long end = start + options.duration().toNanos();
        List<Thread> threads = startConnections(start, end);
        long next = start + TICK_NANOS;
        while (System.nanoTime() < end) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
            next += TICK_NANOS;
            tick(start);
        }
        for (Thread t : threads) {
            t.join(options.timeout().toMillis() + 2_000);
            t.interrupt();
        }
        tick(start);
        if (progress != null) {
            progress.println();
            progress.flush();
        }
        ReportDelivery delivery = reporter == null ? null : reporter.finish();
        closeHlog();
        List<KindReport> kinds = new ArrayList<>();
        recorders.forEach((kind, r) -> kinds.add(new KindReport(kind, totalCorrected.get(kind), totalRaw.get(kind),
                r.lostCount(), r.lateCount(), r.maxLagNanos(), r.lastError(), r.protocols(), r.instances())));
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new ProbeReport(options, Math.min(elapsed, options.duration().toNanos() / 1e9), kinds, delivery);
    }

    private List<Thread> startConnections(long start, long end) {
        List<Thread> threads = new ArrayList<>();
        long period = options.periodPerConnectionNanos();
        int n = options.connections();
        for (int c = 0; c < n; c++) {
            if (recorders.containsKey(ProbeKind.HTTP_HEAD)) {
                threads.add(startThread("pingscope-probe-http-" + c, new HttpHeadProber(ProbeClients.forHead(options),
                        options, recorders.get(ProbeKind.HTTP_HEAD), new Schedule(start, period, c, n), end)));
            }
            if (recorders.containsKey(ProbeKind.WS_ECHO) || recorders.containsKey(ProbeKind.WS_PING)) {
                threads.add(startThread("pingscope-probe-ws-" + c, new WebSocketProber(ProbeClients.forWebSocket(options),
                        options, recorders.get(ProbeKind.WS_ECHO), recorders.get(ProbeKind.WS_PING),
                        new Schedule(start, period, c, n), end, c)));
            }
        }
        return threads;
    }

    private static Thread startThread(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void tick(long start) throws IOException {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "\r[%5.1fs]",
                Math.max(0, System.nanoTime() - start) / 1e9));
        for (Map.Entry<ProbeKind, ProbeRecorder> entry : recorders.entrySet()) {
            ProbeKind kind = entry.getKey();
            Histogram corrected = entry.getValue().takeCorrected(null);
            Histogram raw = entry.getValue().takeRaw(null);
            totalCorrected.get(kind).add(corrected);
            totalRaw.get(kind).add(raw);
            if (hlog != null) {
                corrected.setTag(kind.wireName() + ".corrected");
                raw.setTag(kind.wireName() + ".raw");
                hlog.outputIntervalHistogram(corrected);
                hlog.outputIntervalHistogram(raw);
            }
            Histogram total = totalCorrected.get(kind);
            line.append(String.format(Locale.ROOT, "  %s %d ok %d lost p50 %.3f ms", kind.wireName(),
                    total.getTotalCount(), entry.getValue().lostCount(),
                    total.getTotalCount() == 0 ? 0.0 : total.getValueAtPercentile(50) / 1e3));
        }
        if (progress != null) {
            progress.print(line);
            progress.flush();
        }
        if (reporter != null) {
            reporter.flush();
        }
    }

    private void openHlog() throws IOException {
        if (options.hlog() == null) {
            return;
        }
        hlogStream = new PrintStream(Files.newOutputStream(options.hlog()), false, "US-ASCII");
        hlog = new HistogramLogWriter(hlogStream);
        hlog.outputLogFormatVersion();
        long now = System.currentTimeMillis();
        hlog.outputStartTime(now);
        hlog.setBaseTime(now);
        hlog.outputComment("pingscope probe " + options.target() + ": values in microseconds; tags are <kind>.corrected and <kind>.raw");
        hlog.outputLegend();
    }

    private void closeHlog() {
        if (hlogStream != null) {
            hlogStream.close();
        }
    }
}
