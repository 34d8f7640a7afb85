package dev.pingscope.recording;

import dev.pingscope.config.Check;
import dev.pingscope.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How RTTs are taken from the recorders into intervals (docs/metrics.md), and where intervals are kept.
 *
 * @param reportInterval how often interval histograms are taken: /api/stats and /metrics refresh (--report-interval)
 * @param hlogDir        where interval histograms are appended and restored from at start, or null (--hlog-dir)
 */
public record RecordingSettings(Duration reportInterval, Path hlogDir) {
    public RecordingSettings {
        Check.range("--report-interval", reportInterval, Duration.ofMillis(100), Duration.ofHours(1));
        if (hlogDir != null && Files.exists(hlogDir) && !Files.isDirectory(hlogDir)) {
            throw new InvalidConfigException("--hlog-dir", hlogDir + " is not a directory");
        }
    }

    public static RecordingSettings defaults() {
        return new RecordingSettings(Duration.ofSeconds(5), null);
    }
}
