package dev.pingscope.results;

import org.HdrHistogram.Histogram;

/**
 * What one probe kind measured under one condition: the RTTs as a histogram (µs, as the server records) and
 * the probes lost. The server builds the histogram itself from the posted samples, so every statistic shown
 * agrees with it.
 */
record Condition(long lost, Histogram histogram) {
    static final String IDLE = "idle";
    static final String LOADED = "loaded";
}
