package dev.pingscope.prober;

import dev.pingscope.sample.Load;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What the loaded phase of {@code probe --load} measured (docs/load.md). Goodput in Mbit/s over the
 * saturated part of the phase; RPM as the draft computes it (NaN when a probe it needs got no answer).
 *
 * @param loadedKinds   per probe kind, the loaded distributions (the idle ones are in {@link ProbeReport#kinds})
 * @param idleForeign   foreign probes during the idle phase
 * @param loadedForeign foreign probes while the link was saturated
 * @param loadedFromMs  wall-clock start of the saturated window whose samples count as loaded
 * @param loadedToMs    its end
 * @param intervalSeconds the draft's interval (ID) the phase ran with
 * @param selfSource    what the self probes were: "tcp_info" (the kernel's RTT of the load connections) or
 *                      "warm_http_head" (the HEAD probes on their kept-alive connection, where the kernel's was not to be had)
 * @param selfTrimmedMeanMs TM(http_l) over the last MAD intervals, ms
 * @param selfUnavailable why the kernel's RTT was not to be had, or null
 */
public record LoadReport(
        Load direction,
        int streams,
        double downloadMbps,
        double uploadMbps,
        double idleRpm,
        double loadedRpm,
        String goodputConfidence,
        String rpmConfidence,
        List<KindReport> loadedKinds,
        Foreign idleForeign,
        Foreign loadedForeign,
        long loadedFromMs,
        long loadedToMs,
        String lastError,
        long intervalSeconds,
        String selfSource,
        double selfTrimmedMeanMs,
        String selfUnavailable) {

    public LoadReport {
        loadedKinds = List.copyOf(loadedKinds);
    }

    /** Foreign probes of one phase, µs; tls is null over plain http. */
    public record Foreign(Histogram tcp, Histogram tls, Histogram http, long lost) {}

    /** Both directions together. */
    public double goodputMbps() {
        return downloadMbps + uploadMbps;
    }

    /** The lower of the two stages' confidences, as the draft's result carries one. */
    public String confidence() {
        return Stability.lower(goodputConfidence, rpmConfidence);
    }

    /** The loaded figures of one kind, or null when it was not probed. */
    public KindReport loaded(dev.pingscope.sample.ProbeKind kind) {
        return loadedKinds.stream().filter(k -> k.kind() == kind).findFirst().orElse(null);
    }
}
