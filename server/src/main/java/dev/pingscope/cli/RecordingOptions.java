package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import dev.pingscope.recording.RecordingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** How intervals are taken and kept: {@link RecordingSettings}. */
final class RecordingOptions {
    @Option(names = "--report-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Length of a recording interval: how often /api/stats and /metrics are refreshed (100ms to 1h).%n  env PINGSCOPE_REPORT_INTERVAL, default ${DEFAULT-VALUE}")
    Duration reportInterval;

    @Option(names = "--hlog-dir", paramLabel = "DIR",
            description = "Append every interval histogram to HdrHistogram logs here and restore the totals from them at start.%n  env PINGSCOPE_HLOG_DIR, default: none (totals start at zero)")
    Path hlogDir;

    RecordingSettings settings() {
        return new RecordingSettings(reportInterval, hlogDir);
    }

    static void putDefaults(Map<String, String> values) {
        values.put("--report-interval", DurationText.format(RecordingSettings.defaults().reportInterval()));
    }
}
