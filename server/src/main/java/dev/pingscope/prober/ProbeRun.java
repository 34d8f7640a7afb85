package dev.pingscope.prober;

import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one {@code pingscope probe}: starts the connections, then, once a second until the end, takes each
 * kind's interval histograms (for the totals, the .hlog file and the progress line) and sends pending
 * samples to --report-to.
 *
 * <p>With --load (docs/load.md) an idle phase of --duration is followed by a loaded phase: load streams are
 * added one a second until the goodput is stable by the draft's rule (or 16 per direction, or half of
 * --load-duration has passed), while new probe connections (and a WebSocket opened with {@code ?load=})
 * probe on; only the samples taken once the link is saturated count as loaded. Foreign probes run in both
 * phases for RPM.
 *
 * <pre>{@code
 * ProbeReport report = new ProbeRun(options, progressOrNull).call();
 * }</pre>
 */
public final class ProbeRun {
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Lets every connection start before the first probe is due. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The kernel RTT of the idle phase's own connections, as the server reads it for them. */
    private final KernelReadings reference = new KernelReadings();
    private final ProbeOptions options;
    private final PrintWriter progress;
    private final SampleReporter reporter;
    private final Phase idle;
    private HistogramLogWriter hlog;
    private PrintStream hlogStream;

    /** @param progress where to write the progress line once a second, or null for none */
    public ProbeRun(ProbeOptions options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
        this.reporter = options.reportTo() == null ? null : new SampleReporter(options.reportTo(), ProbeClients.forReports(options));
        this.idle = new Phase(Load.IDLE);
        idle.counting.set(true);
    }

    /** The probes of one condition: their recorders, and the totals of the intervals that count. */
    private final class Phase {
        final Load load;
        final Map<ProbeKind, ProbeRecorder> recorders = new EnumMap<>(ProbeKind.class);
        final Map<ProbeKind, Histogram> totalCorrected = new EnumMap<>(ProbeKind.class);
        final Map<ProbeKind, Histogram> totalRaw = new EnumMap<>(ProbeKind.class);
        /** False while the ramp runs: its samples are neither counted nor reported. Changed under {@link #lock}. */
        final AtomicBoolean counting = new AtomicBoolean();
        /** Held by each answered sample and by {@link #take}: a sample is counted exactly when it is reported. */
        final Object lock = new Object();

        Phase(Load load) {
            this.load = load;
            for (ProbeKind kind : ProbeKind.values()) {
                if (options.kinds().contains(kind)) {
                    ProbeRecorder.SampleSink sink = reporter == null ? ProbeRecorder.SampleSink.NONE : reporter.sinkFor(kind, load);
                    recorders.put(kind, new ProbeRecorder(nanos -> {
                        if (counting.get()) {
                            sink.accept(nanos);
                        }
                    }, lock));
                    totalCorrected.put(kind, RttRecorders.newHistogram());
                    totalRaw.put(kind, RttRecorders.newHistogram());
                }
            }
        }

        /** Takes each kind's interval; adds it to the totals while counting; returns the raw intervals. */
        Map<ProbeKind, Histogram> take() throws IOException {
            return take(counting.get());
        }

        /**
         * Takes each kind's interval and, in the same step, sets whether the samples after it count: a sample
         * answered in between would be reported under one decision and totalled under the other.
         */
        Map<ProbeKind, Histogram> take(boolean countFromNowOn) throws IOException {
            boolean keep;
            Map<ProbeKind, Histogram> correctedIntervals = new EnumMap<>(ProbeKind.class);
            Map<ProbeKind, Histogram> rawIntervals = new EnumMap<>(ProbeKind.class);
            synchronized (lock) {
                keep = counting.get();
                recorders.forEach((kind, recorder) -> {
                    correctedIntervals.put(kind, recorder.takeCorrected(null));
                    rawIntervals.put(kind, recorder.takeRaw(null));
                });
                counting.set(countFromNowOn);
            }
            for (ProbeKind kind : recorders.keySet()) {
                Histogram corrected = correctedIntervals.get(kind);
                Histogram raw = rawIntervals.get(kind);
                if (!keep) {
                    continue;
                }
                totalCorrected.get(kind).add(corrected);
                totalRaw.get(kind).add(raw);
                if (hlog != null) {
                    String tag = kind.wireName() + (load == Load.IDLE ? "" : "." + load.wireName());
                    corrected.setTag(tag + ".corrected");
                    raw.setTag(tag + ".raw");
                    hlog.outputIntervalHistogram(corrected);
                    hlog.outputIntervalHistogram(raw);
                }
            }
            return rawIntervals;
        }

        List<KindReport> reports() {
            List<KindReport> kinds = new ArrayList<>();
            recorders.forEach((kind, r) -> kinds.add(new KindReport(kind, totalCorrected.get(kind), totalRaw.get(kind),
                    r.lostCount(), r.lateCount(), r.maxLagNanos(), r.lastError(), r.protocols(), r.instances())));
            return kinds;
        }

        void appendProgress(StringBuilder line) {
            for (Map.Entry<ProbeKind, ProbeRecorder> entry : recorders.entrySet()) {
                Histogram total = totalCorrected.get(entry.getKey());
                line.append(String.format(Locale.ROOT, "  %s %d ok %d lost p50 %.3f ms", entry.getKey().wireName(),
                        total.getTotalCount(), entry.getValue().lostCount(),
                        total.getTotalCount() == 0 ? 0.0 : total.getValueAtPercentile(50) / 1e3));
            }
        }
    }

    /** Foreign probe totals of one phase. */
    private static final class ForeignTotals {
        final Histogram tcp = RttRecorders.newHistogram();
        final Histogram tls;
        final Histogram http = RttRecorders.newHistogram();
        long lost;

        ForeignTotals(boolean withTls) {
            tls = withTls ? RttRecorders.newHistogram() : null;
        }

        void add(ForeignProber.Interval interval) {
            tcp.add(interval.tcp());
            if (tls != null) {
                tls.add(interval.tls());
            }
            http.add(interval.http());
            lost += interval.lost();
        }

        LoadReport.Foreign report() {
            return new LoadReport.Foreign(tcp, tls, http, lost);
        }
    }

    public ProbeReport call() throws IOException, InterruptedException {
        openHlog();
        long runStart = System.nanoTime();
        ForeignProber foreign = options.loaded() ? new ForeignProber(options) : null;
        boolean tls = Targets.isTls(options.target());
        ForeignTotals idleForeign = new ForeignTotals(tls);
        long start = System.nanoTime() + START_DELAY_NANOS;
        long end = start + options.duration().toNanos();
        if (foreign != null) {
            foreign.start();
        }
        List<Thread> threads = startConnections(idle, start, end);
        long next = start + TICK_NANOS;
        while (System.nanoTime() < end) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
            next += TICK_NANOS;
            idle.take();
            if (foreign != null) {
                ForeignProber.Interval interval = foreign.take();
                if (next - start > 2 * TICK_NANOS) { // the first second warms the JVM's connection code up: not counted
                    idleForeign.add(interval);
                }
            }
            tick(start, idle, "");
        }
        join(threads);
        idle.take();
        double elapsed = Math.min((System.nanoTime() - start) / 1e9, options.duration().toNanos() / 1e9);
        LoadReport load = null;
        if (foreign != null) {
            idleForeign.add(foreign.take());
            try {
                load = runLoaded(foreign, idleForeign, tls);
            } finally {
                foreign.close();
            }
        }
        if (progress != null) {
            progress.println();
            progress.flush();
        }
        // The whole run, load phase included, before reporting: the server's pauses while it was being probed.
        ServerPauses pauses = ServerPauses.fetch(options, (System.nanoTime() - runStart) / 1e9);
        ReportDelivery delivery = reporter == null ? null : reporter.finish();
        closeHlog();
        return new ProbeReport(options, elapsed, idle.reports(), load, delivery, pauses, reference);
    }

    /** The loaded phase: ramp until the goodput is stable, then count the samples as loaded until the end. */
    private LoadReport runLoaded(ForeignProber foreign, ForeignTotals idleForeign, boolean tls)
            throws IOException, InterruptedException {
        Phase loaded = new Phase(options.load());
        ForeignTotals loadedForeign = new ForeignTotals(tls);
        Stability goodput = new Stability();
        Stability responsiveness = new Stability();
        RpmWindow window = new RpmWindow(tls);
        boolean goodputStable = false;
        double stableRpm = Double.NaN;
        double lastRpm = Double.NaN;
        long saturatedDown = 0;
        long saturatedUp = 0;
        long saturatedNanos = 0;
        long loadedFromMs = 0;
        long intervalNanos = options.loadInterval().toNanos();
        try (LoadStreams streams = new LoadStreams(options, options.load());
                SelfProber self = new SelfProber(options, streams)) {
            streams.add();
            self.start();
            long start = System.nanoTime();
            long end = start + options.loadDuration().toNanos();
            List<Thread> threads = startConnections(loaded, start + START_DELAY_NANOS, end);
            long last = start;
            long next = start + intervalNanos;
            while (System.nanoTime() < end) {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
                next += intervalNanos;
                long now = System.nanoTime();
                long down = streams.takeDownloaded();
                long up = streams.takeUploaded();
                double mbps = (down + up) * 8 / ((now - last) / 1e9) / 1e6;
                ForeignProber.Interval foreignInterval = foreign.take();
                List<Double> selfSamples = self.take();
                if (!loaded.counting.get()) {
                    goodput.add(mbps);
                    goodputStable = goodput.stable();
                    boolean rampOver = goodputStable || now - start > options.loadDuration().toNanos() / 2;
                    loaded.take(rampOver); // from the next interval on, samples count as loaded
                    if (rampOver) {
                        loadedFromMs = System.currentTimeMillis();
                    } else {
                        streams.add();
                    }
                } else {
                    Map<ProbeKind, Histogram> raw = loaded.take();
                    saturatedDown += down;
                    saturatedUp += up;
                    saturatedNanos += now - last;
                    loadedForeign.add(foreignInterval);
                    // §5.3.1.1: the RPM of an interval is over the probes of the last MAD intervals
                    window.add(foreignInterval, selfSamples, raw.get(ProbeKind.HTTP_HEAD));
                    lastRpm = window.rpm();
                    if (!Double.isNaN(lastRpm)) {
                        responsiveness.add(lastRpm);
                        if (Double.isNaN(stableRpm) && responsiveness.stable()) {
                            stableRpm = lastRpm; // §5.4: "declare responsiveness saturation and report current_responsiveness"
                        }
                    }
                }
                last = now;
                tick(start, loaded, String.format(Locale.ROOT, "  %s %d stream%s %.1f Mbit/s%s", options.load().wireName(),
                        streams.streams(), streams.streams() == 1 ? "" : "s", mbps, loaded.counting.get() ? "" : " (ramp)"));
            }
            // The last samples taken while the streams still run count; none after: a connection that fell
            // behind its schedule sends its backlog at once when the queue drains, and those would read idle.
            loaded.take(false);
            long loadedToMs = System.currentTimeMillis();
            self.close();
            streams.close();
            join(threads);
            loaded.take();
            double seconds = Math.max(1e-9, saturatedNanos / 1e9);
            String selfSource = window.selfFromKernel() ? "tcp_info" : "warm_http_head";
            return new LoadReport(options.load(), streams.streams(), saturatedDown * 8 / seconds / 1e6,
                    saturatedUp * 8 / seconds / 1e6,
                    Responsiveness.rpm(idleForeign.tcp, idleForeign.tls, idleForeign.http, idle.totalRaw.get(ProbeKind.HTTP_HEAD)),
                    Double.isNaN(stableRpm) ? lastRpm : stableRpm,
                    goodput.confidence(goodputStable), responsiveness.confidence(!Double.isNaN(stableRpm)),
                    loaded.reports(), idleForeign.report(), loadedForeign.report(), loadedFromMs, loadedToMs,
                    streams.lastError() != null ? streams.lastError() : foreign.lastError(),
                    options.loadInterval().toSeconds(), selfSource, window.selfTrimmedMeanMs(),
                    window.selfFromKernel() ? null : self.unavailableReason());
        }
    }

    private void join(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(options.timeout().toMillis() + 2_000);
            t.interrupt();
        }
    }

    private List<Thread> startConnections(Phase phase, long start, long end) {
        List<Thread> threads = new ArrayList<>();
        long period = options.periodPerConnectionNanos();
        int n = options.connections();
        for (int c = 0; c < n; c++) {
            if (phase.recorders.containsKey(ProbeKind.HTTP_HEAD)) {
                threads.add(startThread("pingscope-probe-http-" + c, new HttpHeadProber(ProbeClients.forHead(options),
                        options, phase.recorders.get(ProbeKind.HTTP_HEAD), new Schedule(start, period, c, n), end,
                        phase.load == Load.IDLE ? reference : null)));
            }
            if (phase.recorders.containsKey(ProbeKind.WS_ECHO) || phase.recorders.containsKey(ProbeKind.WS_PING)) {
                threads.add(startThread("pingscope-probe-ws-" + c, new WebSocketProber(ProbeClients.forWebSocket(options),
                        options, phase.recorders.get(ProbeKind.WS_ECHO), phase.recorders.get(ProbeKind.WS_PING),
                        new Schedule(start, period, c, n), end, c, phase.load, phase.load == Load.IDLE ? reference : null)));
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

    private void tick(long start, Phase phase, String suffix) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "\r[%5.1fs %s]",
                Math.max(0, System.nanoTime() - start) / 1e9, phase.load.wireName()));
        phase.appendProgress(line);
        line.append(suffix);
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
        hlog.outputComment("pingscope probe " + options.target() + ": values in microseconds; tags are <kind>.corrected and"
                + " <kind>.raw, and <kind>.<load>.corrected and .raw for a loaded phase");
        hlog.outputLegend();
    }

    private void closeHlog() {
        if (hlogStream != null) {
            hlogStream.close();
        }
    }
}
