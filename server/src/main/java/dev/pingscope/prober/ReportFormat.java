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
        return s.toString();
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

    private static ObjectNode stats(ObjectMapper mapper, Histogram h) {
        ObjectNode node = mapper.valueToTree(HistogramStats.of(h));
        node.put("p99_99_ms", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99.99) / 1e3);
        return node;
    }
}
