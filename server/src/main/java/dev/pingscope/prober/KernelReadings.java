package dev.pingscope.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's RTT of the probe's own connections, as the server read it for the probes that asked (HEAD
 * {@code /ping?ref=1}, {@code /ws?ref=1}; docs/protocol.md, "The kernel's RTT as a reference"): HEAD's smoothed
 * RTT, the WebSocket's min_rtt, as pingscope.js's result.reference takes them. Written by the probe threads of the
 * idle phase, read once the run is over.
 */
final class KernelReadings {
    private static final Pattern FIGURES = Pattern.compile("tcp_srtt;dur=([0-9.]+), tcp_min;dur=([0-9.]+)");
    private static final Pattern REASON = Pattern.compile("tcp;desc=\"([^\"]*)\"");

    private final List<Double> headSrtt = new ArrayList<>();
    private final List<Double> wsMinRtt = new ArrayList<>();
    private String headReason;
    private String wsReason;

    /** A flagged HEAD's Server-Timing header. */
    synchronized void head(String serverTiming) {
        Matcher m = FIGURES.matcher(serverTiming == null ? "" : serverTiming);
        if (m.find()) {
            headSrtt.add(Double.parseDouble(m.group(1)));
            return;
        }
        Matcher r = REASON.matcher(serverTiming == null ? "" : serverTiming);
        headReason = r.find() ? r.group(1) : "the server sent no kernel RTT (not a pingscope server that has it)";
    }

    /** A ping_rtt's tcp member (null when the server sent none). */
    synchronized void ws(JsonNode tcp) {
        if (tcp == null || tcp.isNull()) {
            return;
        }
        if (tcp.has("min_rtt_ms")) {
            wsMinRtt.add(tcp.get("min_rtt_ms").asDouble());
        } else if (tcp.has("unavailable")) {
            wsReason = tcp.get("unavailable").asText();
        }
    }

    /** The kernel's RTT of one connection kind, ms: the median over the run, or NaN when there is none. */
    synchronized double headMs() {
        return median(headSrtt);
    }

    synchronized double wsMs() {
        return median(wsMinRtt);
    }

    /** --json's "reference": {source, http_head: {figure, rtt_ms, samples} or {unavailable}, ws: …}. */
    synchronized ObjectNode json(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        node.put("source", "tcp_info");
        kind(node.putObject("http_head"), "srtt", headSrtt, headReason);
        kind(node.putObject("ws"), "min_rtt", wsMinRtt, wsReason);
        return node;
    }

    /**
     * The save body's "reference" (docs/results.md): per connection kind {figure, rttMs, samples, bias: {kind: p50
     * minus rttMs}} or {unavailable} with a reason from the server's fixed set; null when the run had no kind.
     *
     * @param p50Ms the p50 of each kind the run measured, ms, by wire name
     */
    synchronized ObjectNode saveJson(ObjectMapper mapper, Map<String, Double> p50Ms) {
        boolean head = p50Ms.containsKey("http_head");
        boolean ws = p50Ms.containsKey("ws_echo") || p50Ms.containsKey("ws_ping");
        if (!head && !ws) {
            return null;
        }
        ObjectNode node = mapper.createObjectNode();
        node.put("source", "tcp_info");
        if (head) {
            saved(node.putObject("http_head"), "srtt", headSrtt, headReason, List.of("http_head"), p50Ms);
        }
        if (ws) {
            saved(node.putObject("ws"), "min", wsMinRtt, wsReason, List.of("ws_echo", "ws_ping"), p50Ms);
        }
        return node;
    }

    private static void saved(ObjectNode node, String figure, List<Double> values, String reason, List<String> kinds,
            Map<String, Double> p50Ms) {
        if (values.isEmpty()) {
            node.put("unavailable", savedReason(reason));
            return;
        }
        double rtt = median(values);
        node.put("figure", figure);
        node.put("rttMs", rtt);
        node.put("samples", values.size());
        ObjectNode bias = node.putObject("bias");
        for (String k : kinds) {
            Double p50 = p50Ms.get(k);
            if (p50 != null && !p50.isNaN()) {
                bias.put(k, p50 - rtt);
            }
        }
    }

    /** The server keeps reasons from a fixed set: its own short ones, a machine that cannot read TCP_INFO summed up. */
    static String savedReason(String reason) {
        if (reason == null) {
            return "no probe carried the kernel RTT";
        }
        if (reason.equals("proxied") || reason.equals("TCP_INFO could not be read (the connection closed)")) {
            return reason;
        }
        if (reason.startsWith("the server sent no kernel RTT")) {
            return "the server sent no kernel RTT";
        }
        if (reason.startsWith("TCP_INFO is read on Linux only") || reason.startsWith("libc could not be loaded")
                || reason.startsWith("the JVM does not export")) {
            return "the server cannot read TCP_INFO";
        }
        return "no kernel RTT came with these probes";
    }

    /** One line for the text summary. */
    synchronized String sentence() {
        return String.format(Locale.ROOT, "kernel RTT of the probe's own connections (TCP_INFO): HEAD srtt %s, WebSocket min_rtt %s",
                figure(headSrtt, headReason), figure(wsMinRtt, wsReason));
    }

    private static String figure(List<Double> values, String reason) {
        if (!values.isEmpty()) {
            return String.format(Locale.ROOT, "%.3f ms (median of %d)", median(values), values.size());
        }
        return reason == null ? "not read" : "unavailable: " + reason;
    }

    private static void kind(ObjectNode node, String figure, List<Double> values, String reason) {
        if (values.isEmpty()) {
            node.put("unavailable", reason == null ? "no probe carried the kernel RTT" : reason);
            return;
        }
        node.put("figure", figure);
        node.put("rtt_ms", median(values));
        node.put("samples", values.size());
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
