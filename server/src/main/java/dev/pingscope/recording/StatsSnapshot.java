package dev.pingscope.recording;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What /api/stats returns: all series as of the end of the last reporting interval, and whose they are. */
public record StatsSnapshot(
        String instance,
        String region,
        @JsonProperty("started_at_ms") long startedAtMs,
        @JsonProperty("interval_start_ms") long intervalStartMs,
        @JsonProperty("interval_end_ms") long intervalEndMs,
        List<SeriesStats> series) {}
