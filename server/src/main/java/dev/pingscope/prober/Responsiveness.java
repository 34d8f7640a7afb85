package dev.pingscope.prober;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * RPM as the draft computes it (draft-ietf-ippm-responsiveness, "Responsiveness" and docs/load.md):
 * <pre>
 * Responsiveness = 60000 / (1/6*(TM(tcp_f) + TM(tls_f) + TM(http_f)) + 1/2*TM(http_s))
 * </pre>
 * with TM the trimmed mean keeping the best 95 % of the samples, in ms. Without TLS (plain http) the
 * foreign half is 1/4*(TM(tcp_f) + TM(http_f)), so that foreign and self probes keep equal weights.
 * pingscope's self probe ({@code http_s}) is the HEAD probe on its warm, kept-alive connection.
 */
final class Responsiveness {
    /** The draft's TMP: the trimmed mean keeps this share of the samples, the fastest ones. */
    static final double KEPT_PERCENT = 95;

    private Responsiveness() {}

    /**
     * The draft's responsiveness of these probes.
     *
     * @param tcp  foreign TCP handshakes, µs
     * @param tls  foreign TLS handshakes, µs, or null over plain http
     * @param http foreign 1-byte GETs on new connections, µs
     * @param self self probes, µs
     * @return round trips per minute, or NaN when a histogram holds no sample
     */
    static double rpm(Histogram tcp, Histogram tls, Histogram http, Histogram self) {
        double tcpMs = trimmedMeanMs(tcp);
        double httpMs = trimmedMeanMs(http);
        double selfMs = trimmedMeanMs(self);
        double foreign = tls == null ? (tcpMs + httpMs) / 4 : (tcpMs + trimmedMeanMs(tls) + httpMs) / 6;
        double delay = foreign + selfMs / 2;
        return Double.isNaN(delay) || delay <= 0 ? Double.NaN : 60_000 / delay;
    }

    /** The mean of the fastest 95 % of the values, in ms; NaN for an empty or missing histogram. */
    static double trimmedMeanMs(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return Double.NaN;
        }
        long keep = Math.max(1, (long) Math.ceil(h.getTotalCount() * KEPT_PERCENT / 100));
        long counted = 0;
        double sum = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            long take = Math.min(v.getCountAtValueIteratedTo(), keep - counted);
            sum += take * (double) h.medianEquivalentValue(v.getValueIteratedTo());
            counted += take;
            if (counted >= keep) {
                break;
            }
        }
        return sum / counted / 1e3;
    }
}
