package dev.pingscope.metrics;

import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Prometheus native histogram buckets for RTT, derived from an HdrHistogram in microseconds, so that
 * native and classic buckets describe the same recorded values.
 *
 * <p>With schema {@value #SCHEMA}, bucket {@code i} covers {@code (2^((i-1)/8), 2^(i/8)]} seconds: each
 * bucket is 9 % wider than the one below (so a quantile is known to within about 4.5 %), and RTTs from 1 µs
 * to 60 s span the indices -159 to 48. HdrHistogram keeps values to 0.1 %, far finer than that.
 */
public final class NativeBuckets {
    public static final int SCHEMA = 3;
    /** Every RTT is at least 1 µs, so the zero bucket stays empty; this is Prometheus' own default. */
    public static final double ZERO_THRESHOLD = Math.pow(2, -128);

    private static final double BUCKETS_PER_DOUBLING = 1 << SCHEMA;

    private NativeBuckets() {}

    /** The upper bound in seconds of bucket {@code index}. */
    public static double upperBound(int index) {
        return Math.pow(2, index / BUCKETS_PER_DOUBLING);
    }

    /** The index of the bucket that holds a value in seconds (greater than 0). */
    public static int indexOf(double seconds) {
        int index = (int) Math.ceil(Math.log(seconds) / Math.log(2) * BUCKETS_PER_DOUBLING);
        // The logarithm may be off by a rounding error at an exact bound: settle it by the bounds themselves.
        if (upperBound(index) < seconds) {
            index++;
        } else if (upperBound(index - 1) >= seconds) {
            index--;
        }
        return index;
    }

    /** The buckets of a histogram whose values are microseconds. */
    public static NativeHistogramBuckets of(Histogram micros) {
        NativeHistogramBuckets.Builder buckets = NativeHistogramBuckets.builder();
        int current = Integer.MIN_VALUE;
        long count = 0;
        for (HistogramIterationValue v : micros.recordedValues()) {
            double seconds = micros.medianEquivalentValue(v.getValueIteratedTo()) / 1_000_000.0;
            int index = indexOf(seconds);
            if (index != current && count > 0) {
                buckets.bucket(current, count);
                count = 0;
            }
            current = index;
            count += v.getCountAtValueIteratedTo();
        }
        if (count > 0) {
            buckets.bucket(current, count);
        }
        return buckets.build();
    }
}
