package dev.pingscope.prober;

import dev.pingscope.sample.ProbeKind;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one probe kind measured over a whole run. Latencies in microseconds, corrected (from the intended
 * send time) and raw (from the actual send time). Protocols and instances are those that answered.
 */
public record KindReport(
        ProbeKind kind,
        Histogram corrected,
        Histogram raw,
        long lost,
        long sentLate,
        long maxLagNanos,
        String lastError,
        List<String> protocols,
        List<String> instances) {

    public KindReport {
        protocols = List.copyOf(protocols);
        instances = List.copyOf(instances);
    }

    public long answered() {
        return raw.getTotalCount();
    }
}
