package dev.pingscope.metrics;

import dev.pingscope.recording.SiteSeries;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.List;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Exports {@code pingscope_rtt_seconds{kind, source, site, load, region}} from the recorded HdrHistogram totals, with both
 * classic buckets ({@link RttBuckets}) and native buckets ({@link NativeBuckets}) of the same values. The
 * text formats carry the classic buckets; the protobuf format carries both, for a Prometheus that scrapes
 * native histograms.
 *
 * <p>The reporter thread calls {@link #update} after each interval; a scrape reads the last immutable result.
 * So a probe is recorded once, in one place, and the metric lags the recorders by at most one interval.
 */
public final class RttHistogramCollector implements Collector {
    public static final String NAME = "pingscope_rtt_seconds";
    private static final String HELP = "Round-trip time per probe kind, source, site and load condition, since the instance"
            + " started; region is the instance's own.";

    private final List<SiteSeries> series;
    private final String region;
    private volatile HistogramSnapshot latest;

    /**
     * Exports the given series.
     *
     * @param series every series to export, each from the first scrape on (with zero counts)
     * @param region this instance's region (--region), the same on every series
     */
    public RttHistogramCollector(List<SiteSeries> series, String region) {
        this.series = List.copyOf(series);
        this.region = region;
        update(s -> null);
    }

    /**
     * Takes each series' total for the next scrape.
     *
     * @param totals each series' total histogram in microseconds (null: nothing recorded yet)
     */
    public void update(Function<SiteSeries, Histogram> totals) {
        HistogramSnapshot.Builder builder = HistogramSnapshot.builder().name(NAME).help(HELP);
        for (SiteSeries s : series) {
            Histogram h = totals.apply(s);
            long[] classicCounts = h == null ? new long[RttBuckets.UPPER_BOUNDS_SECONDS.length] : RttBuckets.countsOf(h);
            NativeHistogramBuckets nativeBuckets = h == null ? NativeHistogramBuckets.EMPTY : NativeBuckets.of(h);
            double sumSeconds = h == null ? 0 : h.getMean() * h.getTotalCount() / 1_000_000.0;
            builder.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of(
                            "kind", s.kind().wireName(),
                            "source", s.source().wireName(),
                            "site", s.site().label(),
                            "load", s.load().wireName(),
                            "region", region))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(RttBuckets.UPPER_BOUNDS_SECONDS, classicCounts))
                    .nativeSchema(NativeBuckets.SCHEMA)
                    .nativeZeroThreshold(NativeBuckets.ZERO_THRESHOLD)
                    .nativeZeroCount(0)
                    .nativeBucketsForPositiveValues(nativeBuckets)
                    .sum(sumSeconds)
                    .build());
        }
        latest = builder.build();
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
