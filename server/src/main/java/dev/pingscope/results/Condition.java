package dev.pingscope.results;

import org.HdrHistogram.Histogram;

/**
 * What one probe kind measured under one condition: the RTTs as a histogram (µs, as the server records) and
 * the probes lost. The server builds the histogram itself from the posted samples, so every statistic shown
 * agrees with it. The clock and, for http_head, whether the server's time was subtracted, are as the client
 * reported them (null when it did not, as in results saved before these fields).
 */
record Condition(long lost, Histogram histogram, SavedClock clock, String serverTiming) {
    static final String IDLE = "idle";
    static final String LOADED = "loaded";

    Condition(long lost, Histogram histogram) {
        this(lost, histogram, null, null);
    }
}
