package dev.pingscope.recording;

/** Statistics of one series: everything since start, and the last completed reporting interval. */
public record SeriesStats(String kind, String source, HistogramStats total, HistogramStats interval) {}
