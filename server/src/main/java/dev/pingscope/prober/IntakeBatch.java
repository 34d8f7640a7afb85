package dev.pingscope.prober;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The body of {@code POST /api/samples} (docs/protocol.md): RTTs in ms per kind, under a source and a load condition. */
record IntakeBatch(@JsonProperty("source") String source, @JsonProperty("load") String load,
        @JsonProperty("samples") Map<String, double[]> samples) {
    /** The intake takes values above 0 and at most 60000 ms. */
    static final double MAX_MS = 60_000;

    /** @param load the condition the samples were measured under (docs/load.md) */
    static IntakeBatch synthetic(String kind, String load, long[] rttNanos) {
        double[] ms = new double[rttNanos.length];
        for (int i = 0; i < ms.length; i++) {
            // µs resolution, at least 1 µs (the intake refuses 0; HdrHistogram's floor is 1 µs anyway)
            ms[i] = Math.min(MAX_MS, Math.max(1, Math.round(rttNanos[i] / 1e3)) / 1e3);
        }
        return new IntakeBatch("synthetic", load, Map.of(kind, ms));
    }
}
