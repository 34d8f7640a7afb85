package dev.pingscope.prober;

import java.util.List;

/**
 * The result of one probe run: kinds hold the idle figures (the whole run without --load); load is null
 * without --load, delivery null without --report-to.
 */
public record ProbeReport(
        ProbeOptions options,
        double elapsedSeconds,
        List<KindReport> kinds,
        LoadReport load,
        ReportDelivery delivery) {

    public ProbeReport {
        kinds = List.copyOf(kinds);
    }
}
