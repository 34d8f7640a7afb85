package dev.pingscope.recording;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The one thread that reads the recorders. Every period it takes each series' interval histogram, adds it
 * to that series' total since start, and publishes an immutable {@link StatsSnapshot}. Request threads
 * never see these histograms; they only record.
 */
public final class IntervalReporter implements AutoCloseable {
    private final RttRecorders recorders;
    private final String instance;
    private final Clock clock;
    private final List<Series> series = Series.all();
    private final Map<Series, Histogram> totals = new HashMap<>();
    private final Map<Series, Histogram> recycled = new HashMap<>();
    private final List<Consumer<Function<Series, Histogram>>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-reporter");
        t.setDaemon(true);
        return t;
    });
    private final HistogramStore store;
    private final long startedAtMs;
    private long intervalStartMs;
    private volatile StatsSnapshot latest;

    /**
     * @param store where intervals are appended and totals restored from (--hlog-dir), or null
     */
    public IntervalReporter(RttRecorders recorders, String instance, Clock clock, HistogramStore store) {
        this.recorders = recorders;
        this.instance = instance;
        this.clock = clock;
        this.store = store;
        Map<Series, Histogram> restored = store == null ? Map.of() : store.restore(series);
        for (Series s : series) {
            Histogram total = RttRecorders.newHistogram();
            if (restored.containsKey(s)) {
                total.add(restored.get(s));
            }
            totals.put(s, total);
        }
        this.startedAtMs = clock.millis();
        this.intervalStartMs = startedAtMs;
        this.latest = snapshot(Map.of(), startedAtMs);
    }

    /**
     * Runs the listener on the reporter thread after every interval with each series' total since start
     * (for example to refresh exported metrics). The histograms are the reporter's own: read them during
     * the call, keep no reference.
     */
    public void onInterval(Consumer<Function<Series, Histogram>> listener) {
        listeners.add(listener);
        thread.execute(() -> listener.accept(totals::get)); // restored totals show at once
    }

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
        Map<Series, Histogram> intervals = new HashMap<>();
        for (Series s : series) {
            Histogram interval = recorders.takeInterval(s.kind(), s.source(), recycled.get(s));
            totals.get(s).add(interval);
            intervals.put(s, interval);
            if (store != null && interval.getTotalCount() > 0) {
                try {
                    store.append(s, interval, intervalStartMs, endMs);
                } catch (java.io.IOException e) {
                    System.err.println("pingscope: cannot append to --hlog-dir: " + e.getMessage());
                }
            }
        }
        latest = snapshot(intervals, endMs);
        intervalStartMs = endMs;
        // The interval histograms go back to the recorders on the next call; stats above hold copies only.
        recycled.putAll(intervals);
        listeners.forEach(l -> l.accept(totals::get));
    }

    private StatsSnapshot snapshot(Map<Series, Histogram> intervals, long endMs) {
        List<SeriesStats> stats = new ArrayList<>();
        for (Series s : series) {
            Histogram interval = intervals.getOrDefault(s, RttRecorders.newHistogram());
            stats.add(new SeriesStats(
                    s.kind().wireName(),
                    s.source().wireName(),
                    HistogramStats.of(totals.get(s)),
                    HistogramStats.of(interval)));
        }
        return new StatsSnapshot(instance, startedAtMs, intervalStartMs, endMs, List.copyOf(stats));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        if (store != null) {
            store.close();
        }
    }
}
