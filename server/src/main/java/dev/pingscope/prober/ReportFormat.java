package dev.pingscope.prober;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.recording.HistogramStats;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Writes a probe report as a wrk2-style percentile summary for people, or as JSON for programs. */
public final class ReportFormat {
    private static final double[] PERCENTILES = {50, 75, 90, 99, 99.9, 99.99, 100};

    private static final String CORRECTED_AND_RAW = """
            corrected: from each probe's intended send time (includes stalls that delayed later probes);
            raw: from its actual send time. ws_ping is timed by the server, so both are the same.
            """;

    private ReportFormat() {}

    public static String text(ProbeReport report) {
        ProbeOptions o = report.options();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "pingscope probe %s: %.1f s, %s per kind, %d connection%s per kind, %d warm-up probe%s per connection discarded%n",
                o.target(), report.elapsedSeconds(),
                o.closedLoop() ? "as fast as possible (closed loop)" : String.format(Locale.ROOT, "%.0f probes/s", o.rate()),
                o.connections(), o.connections() == 1 ? "" : "s", o.warmup(), o.warmup() == 1 ? "" : "s"));
        for (KindReport k : report.kinds()) {
            s.append(String.format(Locale.ROOT, "%n%s: %d answered, %d lost, %.1f answered/s%s%n", k.kind().wireName(),
                    k.answered(), k.lost(), k.answered() / Math.max(1e-9, report.elapsedSeconds()),
                    k.protocols().isEmpty() ? "" : ", over " + String.join(", ", k.protocols())));
            if (k.lastError() != null) {
                s.append("  last connection error: ").append(k.lastError()).append('\n');
            }
            if (k.answered() == 0) {
                continue;
            }
            s.append("  percentile   corrected ms     raw ms\n");
            for (double p : PERCENTILES) {
                s.append(String.format(Locale.ROOT, "  %9.3f%%  %13.3f  %9.3f%n", p,
                        k.corrected().getValueAtPercentile(p) / 1e3, k.raw().getValueAtPercentile(p) / 1e3));
            }
            s.append(String.format(Locale.ROOT, "  %10s  %13.3f  %9.3f%n", "mean", k.corrected().getMean() / 1e3, k.raw().getMean() / 1e3));
            if (k.sentLate() > 0) {
                s.append(String.format(Locale.ROOT, "  fell behind schedule: %d probes sent more than 1 ms late, up to %.1f ms late (corrected includes this wait, raw does not)%n",
                        k.sentLate(), k.maxLagNanos() / 1e6));
            }
        }
        if (report.load() != null) {
            appendLoad(s, report);
        }
        ProbeOutcomes.appendText(s, report);
        if (report.serverPauses() != null) {
            s.append('\n').append(report.serverPauses().sentence()).append('\n');
        }
        s.append('\n').append(CORRECTED_AND_RAW);
        ReportDelivery d = report.delivery();
        if (d != null) {
            s.append(String.format(Locale.ROOT, "reported to %s: %d samples as 'synthetic'", o.reportTo(), d.sent()));
            if (d.failedAttempts() > 0) {
                s.append(String.format(Locale.ROOT, ", %d failed post%s retried", d.failedAttempts(), d.failedAttempts() == 1 ? "" : "s"));
            }
            if (d.notDelivered() > 0) {
                s.append(String.format(Locale.ROOT, "; %d not delivered (%d dropped with more than %d waiting per kind, "
                        + "%d refused, %d still waiting at the end; last error: %s)", d.notDelivered(), d.droppedWaiting(),
                        SampleReporter.MAX_PENDING, d.refused(), d.leftAtEnd(), d.lastError()));
            }
            s.append('\n');
        }
        if (report.reference() != null) {
            s.append(report.reference().sentence()).append('\n');
        }
        return s.toString();
    }

    private static void appendLoad(StringBuilder s, ProbeReport report) {
        LoadReport l = report.load();
        s.append(String.format(Locale.ROOT, "%nunder load (%s): %d stream%s, goodput %.1f Mbit/s%s, samples from the saturated window only%n",
                l.direction().wireName(), l.streams(), l.streams() == 1 ? "" : "s", l.goodputMbps(),
                l.direction().wireName().equals("both")
                        ? String.format(Locale.ROOT, " (%.1f down, %.1f up)", l.downloadMbps(), l.uploadMbps()) : ""));
        s.append("  raw ms         idle p50   loaded p50     increase   loaded p90   loaded p99   loaded n   lost\n");
        for (KindReport idle : report.kinds()) {
            KindReport loaded = l.loaded(idle.kind());
            if (loaded == null) {
                continue;
            }
            s.append(String.format(Locale.ROOT, "  %-10s %10.3f %12.3f %+12.3f %12.3f %12.3f %10d %6d%n", idle.kind().wireName(),
                    p(idle.raw(), 50), p(loaded.raw(), 50), p(loaded.raw(), 50) - p(idle.raw(), 50),
                    p(loaded.raw(), 90), p(loaded.raw(), 99), loaded.answered(), loaded.lost()));
        }
        s.append(String.format(Locale.ROOT, "  foreign    %10.3f %12.3f %+12.3f %12.3f %12.3f %10d %6d   (1-byte GET on a new connection, handshakes excluded)%n",
                p(l.idleForeign().http(), 50), p(l.loadedForeign().http(), 50),
                p(l.loadedForeign().http(), 50) - p(l.idleForeign().http(), 50), p(l.loadedForeign().http(), 90),
                p(l.loadedForeign().http(), 99), l.loadedForeign().http().getTotalCount(), l.loadedForeign().lost()));
        s.append(String.format(Locale.ROOT, "  RPM (draft-ietf-ippm-responsiveness-09): idle %.0f, loaded %.0f (%s); confidence %s (goodput %s, responsiveness %s; %ds intervals)%n",
                l.idleRpm(), l.loadedRpm(), ProbeOutcomes.rpmBand(l) == null ? "no rating" : ProbeOutcomes.rpmBand(l), l.confidence(),
                l.goodputConfidence(), l.rpmConfidence(), l.intervalSeconds()));
        s.append("  RPM's foreign probes: TCP and TLS handshakes and a 1-byte GET on new connections; self: ")
                .append("tcp_info".equals(l.selfSource())
                        ? String.format(Locale.ROOT, "the kernel's RTT of the load connections (TCP_INFO), trimmed mean %.3f ms.%n", l.selfTrimmedMeanMs())
                        : "http_head on its kept-alive connection (the kernel's RTT was not to be had: " + l.selfUnavailable() + ").\n");
        s.append("  The trimmed means behind RPM hide the tail: see p90 and p99 above.\n");
        if (l.lastError() != null) {
            s.append("  last load or foreign probe error: ").append(l.lastError()).append('\n');
        }
    }

    /** A percentile in ms, NaN for an empty histogram. */
    private static double p(Histogram h, double percentile) {
        return h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    public static String json(ProbeReport report) {
        ObjectMapper mapper = new ObjectMapper();
        ProbeOptions o = report.options();
        ObjectNode root = mapper.createObjectNode();
        root.put("target", o.target().toString());
        root.put("elapsed_s", report.elapsedSeconds());
        root.put("rate_per_s", o.rate());
        root.put("closed_loop", o.closedLoop());
        root.put("connections", o.connections());
        root.put("warmup", o.warmup());
        root.put("timeout_ms", o.timeout().toMillis());
        root.put("trust", Targets.isTls(o.target()) ? o.trust().toString() : null);
        ObjectNode kinds = root.putObject("kinds");
        for (KindReport k : report.kinds()) {
            ObjectNode node = kinds.putObject(k.kind().wireName());
            node.put("answered", k.answered());
            node.put("lost", k.lost());
            node.put("sent_late", k.sentLate());
            node.put("max_lag_ms", k.maxLagNanos() / 1e6);
            node.put("last_error", k.lastError());
            k.protocols().forEach(node.putArray("protocols")::add);
            k.instances().forEach(node.putArray("instances")::add);
            node.set("corrected", stats(mapper, k.corrected()));
            node.set("raw", stats(mapper, k.raw()));
            LoadReport l = report.load();
            KindReport loaded = l == null ? null : l.loaded(k.kind());
            if (loaded != null) {
                ObjectNode under = node.putObject("loaded");
                under.put("load", l.direction().wireName());
                under.put("answered", loaded.answered());
                under.put("lost", loaded.lost());
                under.put("sent_late", loaded.sentLate());
                under.put("last_error", loaded.lastError());
                under.set("corrected", stats(mapper, loaded.corrected()));
                under.set("raw", stats(mapper, loaded.raw()));
                ObjectNode increase = node.putObject("increase_ms");
                for (double pct : new double[] {50, 90, 99}) {
                    putNumber(increase, "p" + (int) pct, p(loaded.raw(), pct) - p(k.raw(), pct));
                }
            }
        }
        if (report.load() != null) {
            root.set("load", load(mapper, report.load()));
        }
        root.set("outcomes", ProbeOutcomes.json(mapper, report));
        if (report.reference() != null) {
            root.set("reference", report.reference().json(mapper));
        }
        ServerPauses pauses = report.serverPauses();
        if (pauses != null) {
            ObjectNode node = root.putObject("server_pauses");
            node.put("seconds", pauses.seconds());
            node.put("max_ms", pauses.maxMs());
            node.put("over_10ms", pauses.over10ms());
            node.put("sentence", pauses.sentence());
        }
        ReportDelivery d = report.delivery();
        if (d != null) {
            ObjectNode reported = root.putObject("report_to");
            reported.put("url", o.reportTo().toString());
            reported.put("sent", d.sent());
            reported.put("not_delivered", d.notDelivered());
            reported.put("dropped_waiting", d.droppedWaiting());
            reported.put("refused", d.refused());
            reported.put("left_at_end", d.leftAtEnd());
            reported.put("failed_attempts", d.failedAttempts());
            reported.put("last_error", d.lastError());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode load(ObjectMapper mapper, LoadReport l) {
        ObjectNode node = mapper.createObjectNode();
        node.put("direction", l.direction().wireName());
        node.put("streams", l.streams());
        putNumber(node, "goodput_mbps", l.goodputMbps());
        putNumber(node, "download_mbps", l.downloadMbps());
        putNumber(node, "upload_mbps", l.uploadMbps());
        ObjectNode rpm = node.putObject("rpm");
        putNumber(rpm, "idle", l.idleRpm());
        putNumber(rpm, "loaded", l.loadedRpm());
        rpm.put("interval_s", l.intervalSeconds());
        ObjectNode self = node.putObject("self");
        self.put("source", l.selfSource());
        putNumber(self, "trimmed_mean_ms", l.selfTrimmedMeanMs());
        self.put("unavailable", l.selfUnavailable());
        node.put("rpm_band", ProbeOutcomes.rpmBand(l));
        node.put("confidence", l.confidence());
        node.put("goodput_confidence", l.goodputConfidence());
        node.put("rpm_confidence", l.rpmConfidence());
        ObjectNode foreign = node.putObject("foreign");
        foreign.set("idle", foreign(mapper, l.idleForeign()));
        foreign.set("loaded", foreign(mapper, l.loadedForeign()));
        node.put("loaded_from_ms", l.loadedFromMs());
        node.put("loaded_to_ms", l.loadedToMs());
        node.put("last_error", l.lastError());
        return node;
    }

    private static ObjectNode foreign(ObjectMapper mapper, LoadReport.Foreign f) {
        ObjectNode node = mapper.createObjectNode();
        node.put("lost", f.lost());
        putNumber(node, "tcp_trimmed_mean_ms", Responsiveness.trimmedMeanMs(f.tcp()));
        putNumber(node, "tls_trimmed_mean_ms", Responsiveness.trimmedMeanMs(f.tls()));
        putNumber(node, "http_trimmed_mean_ms", Responsiveness.trimmedMeanMs(f.http()));
        node.set("tcp", stats(mapper, f.tcp()));
        if (f.tls() != null) {
            node.set("tls", stats(mapper, f.tls()));
        }
        node.set("http", stats(mapper, f.http()));
        return node;
    }

    /** A number, or null where it is not one (NaN: nothing measured). */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static ObjectNode stats(ObjectMapper mapper, Histogram h) {
        ObjectNode node = mapper.valueToTree(HistogramStats.of(h));
        node.put("p99_99_ms", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99.99) / 1e3);
        return node;
    }
}
