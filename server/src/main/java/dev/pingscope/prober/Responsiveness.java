package dev.pingscope.prober;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * RPM as draft-ietf-ippm-responsiveness-09 computes it (§5.3.1.1 and §5.3.1.2; docs/load.md):
 * <pre>
 * Foreign_Responsiveness = 60000 / ((TM(tcp_f) + TM(tls_f) + TM(http_f)) / 3)
 * Loaded_Responsiveness  = 60000 / TM(http_l)
 * Responsiveness         = (Foreign_Responsiveness + Loaded_Responsiveness) / 2
 * </pre>
 * the foreign mean taken over the terms that exist (TCP and HTTP alone over plain http, §5.3.1.2: a zero
 * cannot stand in for the TLS handshake), times in ms, TLS normalised per TLS round trip by the caller
 * ({@link #tlsRoundTrips}). TM is the single-sided trimmed mean that keeps the best {@code TMP} = 95 % (§5.2,
 * §10), counting {@code floor(n * 0.95)} samples as networkquality-rs does, so that a single sample gives none.
 */
final class Responsiveness {
    /** The draft's TMP: the trimmed mean keeps this share of the samples, the fastest ones. */
    static final double KEPT_SHARE = 0.95;

    private Responsiveness() {}

    /**
     * The draft's responsiveness from the four trimmed means, ms.
     *
     * @param tlsMs NaN over plain http
     * @return round trips per minute, or NaN when http_f or http_l is missing or a term is not positive
     */
    static double rpm(double tcpMs, double tlsMs, double httpMs, double selfMs) {
        double sum = 0;
        int terms = 0;
        for (double term : new double[] {tcpMs, tlsMs, httpMs}) {
            if (!Double.isNaN(term)) {
                sum += term;
                terms++;
            }
        }
        if (Double.isNaN(httpMs) || Double.isNaN(selfMs)) {
            return Double.NaN;
        }
        double foreign = sum / terms;
        if (foreign <= 0 || selfMs <= 0) {
            return Double.NaN;
        }
        return (60_000 / foreign + 60_000 / selfMs) / 2;
    }

    /** The same from histograms of µs (tls null over plain http). */
    static double rpm(Histogram tcp, Histogram tls, Histogram http, Histogram self) {
        return rpm(trimmedMeanMs(tcp), tls == null ? Double.NaN : trimmedMeanMs(tls), trimmedMeanMs(http), trimmedMeanMs(self));
    }

    /** How many samples the trimmed mean keeps of n. */
    static long kept(long n) {
        return (long) (n * KEPT_SHARE);
    }

    /** The mean of the fastest 95 % of the values; NaN when none is kept. */
    static double trimmedMean(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int keep = (int) kept(sorted.length);
        if (keep == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            sum += sorted[i];
        }
        return sum / keep;
    }

    /** The trimmed mean of a histogram of µs, in ms; NaN for an empty or missing histogram or one sample. */
    static double trimmedMeanMs(Histogram h) {
        long keep = h == null ? 0 : kept(h.getTotalCount());
        if (keep == 0) {
            return Double.NaN;
        }
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

    /**
     * Round trips of a TLS handshake until data may flow (§5.3: "normalized to the number of round-trips the TLS
     * handshake takes"): 1 for TLS 1.3, 2 for TLS 1.2 and older, as networkquality-rs counts them.
     */
    static int tlsRoundTrips(String protocol) {
        return "TLSv1.3".equals(protocol) ? 1 : 2;
    }
}
