package dev.pingscope.outcome;

import org.HdrHistogram.Histogram;

/**
 * What the outcome rules read of one condition of a run (docs/outcomes.md): the probe kind the figures are of,
 * how many probes were answered and lost, and the percentiles and jitter in ms, NaN where not measured.
 *
 * @param condition idle, or the load: download, upload, both
 * @param jitter    mean difference of consecutive RTTs, ms; NaN where the order of the samples is not kept
 */
public record Figures(String condition, String kind, long count, long lost, double p50, double p90, double p99, double jitter) {
    /** The figures of a histogram of RTTs in µs, without jitter (a histogram keeps no order). */
    public static Figures of(String condition, String kind, Histogram rttMicros, long lost) {
        boolean any = rttMicros.getTotalCount() > 0;
        return new Figures(condition, kind, rttMicros.getTotalCount(), lost, any ? ms(rttMicros, 50) : Double.NaN,
                any ? ms(rttMicros, 90) : Double.NaN, any ? ms(rttMicros, 99) : Double.NaN, Double.NaN);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** The value a check reads: ms, or % of probes for loss; NaN when it was not measured. */
    double value(String stat) {
        return switch (stat) {
            case "loss" -> count + lost > 0 ? 100.0 * lost / (count + lost) : Double.NaN;
            case "p50" -> p50;
            case "p90" -> p90;
            case "p99" -> p99;
            case "jitter" -> jitter;
            default -> Double.NaN;
        };
    }
}
