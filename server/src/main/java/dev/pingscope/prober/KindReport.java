package dev.pingscope.prober;

import dev.pingscope.sample.ProbeKind;
import org.HdrHistogram.Histogram;

/**
 * What one probe kind measured over a whole run. Latencies in microseconds, corrected (from the intended
 * send time) and raw (from the actual send time).
 */
public record KindReport(
        ProbeKind kind,
        Histogram corrected,
        Histogram raw,
        long lost,
        long sentLate,
        long maxLagNanos,
        String lastError) {

    public long answered() {
        return raw.getTotalCount();
    }
}
