package dev.pingscope.prober;

import java.util.List;

/** The result of one probe run; delivery is null without --report-to. */
public record ProbeReport(
        ProbeOptions options,
        double elapsedSeconds,
        List<KindReport> kinds,
        ReportDelivery delivery) {

    public ProbeReport {
        kinds = List.copyOf(kinds);
    }
}
