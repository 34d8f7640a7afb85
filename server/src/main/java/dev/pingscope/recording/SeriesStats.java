package dev.pingscope.recording;

/**
 * Statistics of one series: everything since start, and the last completed reporting interval.
 *
 * @param load the condition measured under (idle, download, upload, both); null from a server older than issue 11, meaning idle
 */
public record SeriesStats(String kind, String source, String load, HistogramStats total, HistogramStats interval) {

    /** The load condition, idle when a server older than the load dimension left it out. */
    public String loadOrIdle() {
        return load == null ? "idle" : load;
    }
}
