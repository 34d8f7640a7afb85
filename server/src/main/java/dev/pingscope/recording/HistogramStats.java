package dev.pingscope.recording;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.HdrHistogram.Histogram;

/**
 * Summary statistics of one histogram, in milliseconds, plus the histogram itself in HdrHistogram's
 * compressed base64 form (values in microseconds) so that several instances can be merged exactly.
 * Statistics are null when the histogram is empty.
 */
public record HistogramStats(
        long count,
        @JsonProperty("min_ms") Double minMs,
        @JsonProperty("mean_ms") Double meanMs,
        @JsonProperty("stddev_ms") Double stddevMs,
        @JsonProperty("p50_ms") Double p50Ms,
        @JsonProperty("p90_ms") Double p90Ms,
        @JsonProperty("p99_ms") Double p99Ms,
        @JsonProperty("p99_9_ms") Double p999Ms,
        @JsonProperty("max_ms") Double maxMs,
        String histogram) {

    public static HistogramStats of(Histogram h) {
        try (HistogramCodec codec = new HistogramCodec()) {
            return of(h, codec);
        }
    }

    /** As {@link #of(Histogram)}, encoding with the caller's codec (the reporter keeps one). */
    public static HistogramStats of(Histogram h, HistogramCodec codec) {
        String encoded = codec.encodeCompressed(h);
        long count = h.getTotalCount();
        if (count == 0) {
            return new HistogramStats(0, null, null, null, null, null, null, null, null, encoded);
        }
        return new HistogramStats(
                count,
                ms(h.getMinValue()),
                ms(h.getMean()),
                ms(h.getStdDeviation()),
                ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()),
                encoded);
    }

    private static Double ms(long micros) {
        return ms((double) micros); // exact: recorded values stay far below 2^53 µs
    }

    private static Double ms(double micros) {
        return micros / 1_000.0;
    }
}
