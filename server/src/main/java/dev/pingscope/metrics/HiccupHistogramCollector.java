package dev.pingscope.metrics;

import dev.pingscope.recording.HiccupRecorder;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.HdrHistogram.Histogram;

/**
 * Exports {@code pingscope_server_hiccup_seconds}, one histogram per instance (no labels): how late the
 * server's 1 ms timer woke ({@link HiccupRecorder}), since start. Same buckets as the RTT histogram, classic
 * and native, so a panel can set the server's pauses beside the round trips they may have lengthened.
 * Refreshed by the reporter thread after each interval, like {@link RttHistogramCollector}.
 */
public final class HiccupHistogramCollector implements Collector {
    public static final String NAME = "pingscope_server_hiccup_seconds";
    private static final String HELP = "How late the server's 1 ms timer thread woke (its own pauses: GC, safepoints,"
            + " scheduling), since the instance started.";

    private volatile HistogramSnapshot latest = snapshot(null);

    /** Takes the total (µs) for the next scrape; called on the reporter thread. */
    public void update(Histogram total) {
        latest = snapshot(total);
    }

    private static HistogramSnapshot snapshot(Histogram total) {
        return HistogramSnapshot.builder().name(NAME).help(HELP)
                .dataPoint(RttHistogramCollector.dataPoint(total, Labels.EMPTY))
                .build();
    }

    @Override
    public MetricSnapshot collect() {
        return latest;
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
