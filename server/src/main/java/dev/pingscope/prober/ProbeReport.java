package dev.pingscope.prober;

import java.util.List;

/** The result of one probe run. */
public record ProbeReport(
        ProbeOptions options,
        double elapsedSeconds,
        List<KindReport> kinds,
        long reportedSamples,
        long unreportedSamples,
        String reportError) {

    public ProbeReport {
        kinds = List.copyOf(kinds);
    }
}
