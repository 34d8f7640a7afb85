package dev.pingscope.recording;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The statistics of several instances together, exact: each instance's total histogram per kind, source and load
 * (from its /api/stats) is decoded and added, and the percentiles are taken from the sum. Percentiles of the
 * instances themselves cannot be combined; their histograms can.
 *
 * <pre>{@code
 * MergedStats all = MergedStats.of(List.of(statsOfWeb1, statsOfWeb2));
 * all.series().get(0).total().p99Ms();
 * }</pre>
 *
 * @param instances the instance names, in the order given
 * @param series    per kind and source, in the order of the first instance, the merged totals
 */
public record MergedStats(List<String> instances, List<MergedSeries> series) {

    /** One kind, source and load condition, all instances together. */
    public record MergedSeries(String kind, String source, String load, HistogramStats total) {}

    /**
     * Adds up the snapshots of several instances.
     *
     * @throws IllegalArgumentException when two snapshots come from the same instance (adding them would count
     *     its samples twice), or a histogram cannot be decoded
     */
    public static MergedStats of(List<StatsSnapshot> snapshots) {
        List<String> instances = new ArrayList<>();
        Map<String, Histogram> sums = new LinkedHashMap<>();
        Map<String, String[]> kindAndSource = new LinkedHashMap<>();
        for (StatsSnapshot snapshot : snapshots) {
            if (instances.contains(snapshot.instance())) {
                throw new IllegalArgumentException("instance " + snapshot.instance() + " answered twice; give each"
                        + " replica's own address, not the load balancer's");
            }
            instances.add(snapshot.instance());
            for (SeriesStats s : snapshot.series()) {
                String key = s.kind() + "/" + s.source() + "/" + s.loadOrIdle();
                kindAndSource.putIfAbsent(key, new String[] {s.kind(), s.source(), s.loadOrIdle()});
                sums.computeIfAbsent(key, k -> RttRecorders.newHistogram()).add(HistogramCodec.decode(s.total().histogram()));
            }
        }
        List<MergedSeries> series = new ArrayList<>();
        sums.forEach((key, sum) -> series.add(
                new MergedSeries(kindAndSource.get(key)[0], kindAndSource.get(key)[1], kindAndSource.get(key)[2],
                        HistogramStats.of(sum))));
        return new MergedStats(List.copyOf(instances), List.copyOf(series));
    }
}
