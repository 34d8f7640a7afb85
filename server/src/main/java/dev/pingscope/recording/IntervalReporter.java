package dev.pingscope.recording;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The one thread that reads the recorders. Every period it takes each recorded series' interval histogram,
 * adds it to that series' total since start, and publishes an immutable {@link StatsSnapshot} in which the
 * sites of each kind, source and load condition are added together. Request threads never see these histograms; they only
 * record. The server's own pauses ({@link HiccupRecorder}) are taken at the same moments, so /api/stats
 * shows them for the same interval as the round trips they may have delayed.
 */
public final class IntervalReporter implements AutoCloseable {
    private final RttRecorders recorders;
    private final String instance;
    private final String region;
    private final Clock clock;
    private final List<Series> series = Series.all();
    /** Per kind, source and load, all sites together: what /api/stats publishes. */
    private final Map<Series, Histogram> totals = new HashMap<>();
    private final Map<Series, Histogram> intervals = new HashMap<>();
    /** Per kind, source and site: what the listeners (the RTT metric) get. */
    private final Map<SiteSeries, Histogram> siteTotals = new HashMap<>();
    private final Map<SiteSeries, Histogram> recycled = new HashMap<>();
    private final List<Consumer<Function<SiteSeries, Histogram>>> listeners = new CopyOnWriteArrayList<>();
    private final HiccupRecorder hiccups;
    private final Histogram hiccupTotal = RttRecorders.newHistogram();
    private final Histogram hiccupInterval = RttRecorders.newHistogram();
    private Histogram hiccupRecycled;
    private final List<Consumer<Histogram>> hiccupListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-reporter");
        t.setDaemon(true);
        return t;
    });
    private final HistogramStore store;
    private final HistogramCodec codec = new HistogramCodec();
    /** Each histogram's statistics as last published, kept while they cannot have changed (see statsOf). */
    private final IdentityHashMap<Histogram, HistogramStats> published = new IdentityHashMap<>();
    private final long startedAtMs;
    private long intervalStartMs;
    private volatile StatsSnapshot latest;

    /**
     * @param hiccups  the server's pause recorder, read at each interval (its pauses are not stored: they
     *                 belong to this process)
     * @param instance this instance's name, published with the statistics
     * @param region   this instance's region (--region), published with the statistics
     * @param store    where intervals are appended and totals restored from (--hlog-dir), or null
     */
    public IntervalReporter(RttRecorders recorders, HiccupRecorder hiccups, String instance, String region, Clock clock,
            HistogramStore store) {
        this.recorders = recorders;
        this.hiccups = hiccups;
        this.instance = instance;
        this.region = region;
        this.clock = clock;
        this.store = store;
        for (Series s : series) {
            totals.put(s, RttRecorders.newHistogram());
            intervals.put(s, RttRecorders.newHistogram());
        }
        Map<SiteSeries, Histogram> restored = store == null ? Map.of() : store.restore(recorders.series());
        for (SiteSeries s : recorders.series()) {
            Histogram total = RttRecorders.newHistogram();
            Histogram before = restored.get(s);
            if (before != null) {
                total.add(before);
                totals.get(s.series()).add(before);
            }
            siteTotals.put(s, total);
        }
        this.startedAtMs = clock.millis();
        this.intervalStartMs = startedAtMs;
        this.latest = snapshot(startedAtMs);
    }

    /**
     * Runs the listener on the reporter thread after every interval with each recorded series' total since
     * start, per site (for example to refresh exported metrics). The histograms are the reporter's own: read
     * them during the call, keep no reference.
     */
    public void onInterval(Consumer<Function<SiteSeries, Histogram>> listener) {
        listeners.add(listener);
        thread.execute(() -> listener.accept(siteTotals::get)); // restored totals show at once
    }

    /**
     * Runs the listener on the reporter thread after every interval with the total of the server's pauses
     * since start (µs). The histogram is the reporter's own: read it during the call, keep no reference.
     */
    public void onHiccups(Consumer<Histogram> listener) {
        hiccupListeners.add(listener);
    }

    @SuppressWarnings("FutureReturnValueIgnored") // reportSafely catches everything; close() ends the schedule
    public void start(Duration period) {
        long millis = period.toMillis();
        thread.scheduleAtFixedRate(this::reportSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The statistics as of the end of the last interval. */
    public StatsSnapshot latest() {
        return latest;
    }

    /**
     * Ends the current interval now (on the reporter thread) and waits for it: used at shutdown so that
     * the last interval is not lost, and by tests.
     */
    public StatsSnapshot reportNow() {
        try {
            return thread.submit(() -> {
                report();
                return latest;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("reporter did not finish an interval", e);
        }
    }

    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            // Keep the schedule alive: a failed interval must not stop all later ones.
            System.err.println("pingscope: interval report failed: " + e);
        }
    }

    private void report() {
        long endMs = clock.millis();
        intervals.values().forEach(Histogram::reset);
        for (SiteSeries s : recorders.series()) {
            Histogram interval = recorders.takeInterval(s, recycled.get(s));
            siteTotals.get(s).add(interval);
            Series withoutSite = s.series();
            intervals.get(withoutSite).add(interval);
            totals.get(withoutSite).add(interval);
            if (store != null && interval.getTotalCount() > 0) {
                try {
                    store.append(s, interval, intervalStartMs, endMs);
                } catch (java.io.IOException e) {
                    System.err.println("pingscope: cannot append to --hlog-dir: " + e.getMessage());
                }
            }
            // Goes back to the recorder on the next call; everything above keeps copies only.
            recycled.put(s, interval);
        }
        hiccupRecycled = hiccups.takeInterval(hiccupRecycled);
        hiccupInterval.reset();
        hiccupInterval.add(hiccupRecycled);
        hiccupTotal.add(hiccupRecycled);
        latest = snapshot(endMs);
        intervalStartMs = endMs;
        listeners.forEach(l -> l.accept(siteTotals::get));
        hiccupListeners.forEach(l -> l.accept(hiccupTotal));
    }

    private StatsSnapshot snapshot(long endMs) {
        List<SeriesStats> stats = new ArrayList<>();
        for (Series s : series) {
            stats.add(new SeriesStats(
                    s.kind().wireName(),
                    s.source().wireName(),
                    s.load().wireName(),
                    statsOf(totals.get(s), true),
                    statsOf(intervals.get(s), false)));
        }
        return new StatsSnapshot(instance, region, startedAtMs, intervalStartMs, endMs, List.copyOf(stats),
                new HiccupStats(statsOf(hiccupTotal, true), statsOf(hiccupInterval, false)));
    }

    /**
     * A histogram's statistics, computed again only when they may have changed: an empty histogram always
     * reads the same, and a total only ever grows, so the same count means the same histogram. Most of the
     * 36 series are empty on any server, and encoding and reading each one costs the one core every visitor
     * shares.
     */
    private HistogramStats statsOf(Histogram h, boolean growsOnly) {
        HistogramStats last = published.get(h);
        long count = h.getTotalCount();
        if (last != null && last.count() == count && (count == 0 || growsOnly)) {
            return last;
        }
        HistogramStats now = HistogramStats.of(h, codec);
        published.put(h, now);
        return now;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS); // the codec's zlib stream is the reporter's until it stops
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        codec.close();
        if (store != null) {
            store.close();
        }
    }
}
