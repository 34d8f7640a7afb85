package dev.pingscope.prober;

import java.util.List;

/**
 * The result of one probe run: kinds hold the idle figures (the whole run without --load); load is null
 * without --load, delivery null without --report-to, serverPauses null when the target is not a pingscope
 * server (it has no /api/pauses); reference holds the kernel's RTT of the idle phase's own connections.
 */
public record ProbeReport(
        ProbeOptions options,
        double elapsedSeconds,
        List<KindReport> kinds,
        LoadReport load,
        ReportDelivery delivery,
        ServerPauses serverPauses,
        KernelReadings reference) {

    public ProbeReport {
        kinds = List.copyOf(kinds);
    }
}
