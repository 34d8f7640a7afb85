package dev.pingscope.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The classic Prometheus bucket bounds for RTT, in seconds: 31 bounds from 100 µs to 60 s, about three per
 * decade (1, 1.5, 2, 3, 5, 7.5), dense where network RTTs lie. Counts are derived from an HdrHistogram whose
 * values are in microseconds, so Prometheus and /api/stats describe the same recorded data.
 */
public final class RttBuckets {
    static final double[] UPPER_BOUNDS_SECONDS = {
        0.0001, 0.0002, 0.0003, 0.0005, 0.00075,
        0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075,
        0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
        0.1, 0.15, 0.2, 0.3, 0.5, 0.75,
        1, 1.5, 2, 3, 5, 10, 30, 60,
        Double.POSITIVE_INFINITY
    };

    private static final long[] UPPER_BOUNDS_MICROS = new long[UPPER_BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < UPPER_BOUNDS_SECONDS.length; i++) {
            UPPER_BOUNDS_MICROS[i] = Double.isInfinite(UPPER_BOUNDS_SECONDS[i])
                    ? Long.MAX_VALUE : Math.round(UPPER_BOUNDS_SECONDS[i] * 1_000_000);
        }
    }

    private RttBuckets() {}

    /** The bounds, in seconds, ending with +Inf: a copy of their own for the caller. */
    public static double[] upperBoundsSeconds() {
        return UPPER_BOUNDS_SECONDS.clone();
    }

    /**
     * Per-bucket (not cumulative) counts of a histogram in microseconds. A recorded value goes to the first
     * bucket whose bound is at least the value (HdrHistogram keeps values to 0.1 %, so a value within 0.1 %
     * of a bound may land on either side of it).
     */
    public static long[] countsOf(Histogram micros) {
        long[] counts = new long[UPPER_BOUNDS_MICROS.length];
        int bucket = 0;
        for (HistogramIterationValue v : micros.recordedValues()) {
            long value = micros.medianEquivalentValue(v.getValueIteratedTo());
            while (value > UPPER_BOUNDS_MICROS[bucket]) {
                bucket++;
            }
            counts[bucket] += v.getCountAtValueIteratedTo();
        }
        return counts;
    }
}
