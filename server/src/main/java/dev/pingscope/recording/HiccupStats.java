package dev.pingscope.recording;

/**
 * The server's own pauses in /api/stats ({@link HiccupRecorder}): how late its 1 ms timer woke, since start
 * and in the last completed interval, in the form of every other histogram there (ms; the histogram in µs).
 */
public record HiccupStats(HistogramStats total, HistogramStats interval) {}
