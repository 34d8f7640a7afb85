package dev.pingscope.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A saved result's {@code reference}: each method's p50 against the kernel's RTT of its own connection, as the
 * client computed it (pingscope-reference.js's result.reference, the prober's --json reference; docs/results.md).
 * Only figures and reasons from a fixed set are kept; the verdict sentence is written here from the stored
 * biases, in the words of pingscope-reference.js, so no free text of a client is stored or shown.
 *
 * @param head        the HEAD connection's reading, or null when the run had no HEAD kind
 * @param ws          the WebSocket's reading, or null when the run had no WebSocket kind
 * @param unavailable why no kind had figures (then head and ws are null), or null
 */
record SavedReference(Reading head, Reading ws, String unavailable) {
    static final String SOURCE = "tcp_info";
    static final double MAX_MS = 60_000;
    static final long MAX_READINGS = 1_000_000;
    /**
     * The reasons a save may give: what the server says (proxied; the connection closed; a machine that cannot
     * read TCP_INFO, summed up) and what the clients say when nothing came.
     */
    static final List<String> REASONS = List.of("proxied", "no kernel RTT came with these probes", "no probe carried the kernel RTT",
            "TCP_INFO could not be read (the connection closed)", "the server cannot read TCP_INFO",
            "the server sent no kernel RTT");
    private static final Map<String, String> NAMES = Map.of("http_head", "HEAD", "ws_echo", "echo", "ws_ping", "PING");

    /**
     * One connection kind's reading: the median of {@code figure} over the run and the kinds' p50 minus it; or
     * only {@code unavailable}. srtt, min_rtt and rttvar are null where the client did not have them (the prober).
     */
    record Reading(String figure, Double rttMs, Long samples, Double srttMs, Double minRttMs, Double rttvarMs,
            Map<String, Double> bias, String unavailable) {}

    /** The save body's {@code reference}, checked whole; null when absent. */
    static SavedReference parse(JsonNode r, Set<String> kinds) throws InvalidSave {
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isObject()) {
            throw InvalidSave.invalid("reference must be an object");
        }
        if (r.has("unavailable")) {
            SaveRequest.onlyFields(r, "reference.", Set.of("source", "unavailable"));
            source(r);
            return new SavedReference(null, null, reason(r.get("unavailable"), "reference.unavailable"));
        }
        SaveRequest.onlyFields(r, "reference.", Set.of("source", "http_head", "ws"));
        source(r);
        // HEAD's figure is the smoothed RTT, or the min RTT where its connection also carried the WebSocket.
        Reading head = reading(r.get("http_head"), "reference.http_head", List.of("srtt", "min"), Set.of("http_head"), kinds);
        Reading ws = reading(r.get("ws"), "reference.ws", List.of("min"), Set.of("ws_echo", "ws_ping"), kinds);
        if (head == null && ws == null) {
            throw InvalidSave.invalid("reference needs http_head or ws, or unavailable");
        }
        return new SavedReference(head, ws, null);
    }

    private static void source(JsonNode r) throws InvalidSave {
        JsonNode s = r.get("source");
        if (s == null || !s.isTextual() || !s.asText().equals(SOURCE)) {
            throw InvalidSave.invalid("reference.source must be \"tcp_info\", not " + (s == null ? "missing" : SaveRequest.shown(s)));
        }
    }

    private static String reason(JsonNode n, String at) throws InvalidSave {
        if (n == null || !n.isTextual() || !REASONS.contains(n.asText())) {
            throw InvalidSave.invalid(at + " must be one of: " + String.join("; ", REASONS) + " (not "
                    + (n == null ? "missing" : SaveRequest.shown(n)) + ")");
        }
        return n.asText();
    }

    private static Reading reading(JsonNode c, String at, List<String> figures, Set<String> methods, Set<String> kinds)
            throws InvalidSave {
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject()) {
            throw InvalidSave.invalid(at + " must be an object");
        }
        if (c.has("unavailable")) {
            SaveRequest.onlyFields(c, at + ".", Set.of("unavailable"));
            return new Reading(null, null, null, null, null, null, Map.of(), reason(c.get("unavailable"), at + ".unavailable"));
        }
        SaveRequest.onlyFields(c, at + ".", Set.of("figure", "rttMs", "samples", "srttMs", "minRttMs", "rttvarMs", "bias"));
        JsonNode f = c.get("figure");
        if (f == null || !f.isTextual() || !figures.contains(f.asText())) {
            throw InvalidSave.invalid(at + ".figure must be \"" + String.join("\" or \"", figures) + "\"");
        }
        String figure = f.asText();
        double rtt = SaveRequest.number(SaveRequest.required(c, "rttMs", at + "."), at + ".rttMs", 0, MAX_MS);
        long samples = SaveRequest.integer(SaveRequest.required(c, "samples", at + "."), at + ".samples", 1, MAX_READINGS);
        Map<String, Double> bias = new LinkedHashMap<>();
        JsonNode b = c.get("bias");
        if (b != null && !b.isNull()) {
            if (!b.isObject()) {
                throw InvalidSave.invalid(at + ".bias must be an object {kind: ms}");
            }
            SaveRequest.onlyFields(b, at + ".bias.", methods);
            for (String kind : List.of("http_head", "ws_echo", "ws_ping")) {
                if (b.has(kind)) {
                    if (!kinds.contains(kind)) {
                        throw InvalidSave.invalid(at + ".bias." + kind + " is for a kind the result does not have");
                    }
                    bias.put(kind, SaveRequest.number(b.get(kind), at + ".bias." + kind, -MAX_MS, MAX_MS));
                }
            }
        }
        return new Reading(figure, rtt, samples, SaveRequest.optionalNumber(c.get("srttMs"), at + ".srttMs", 0, MAX_MS),
                SaveRequest.optionalNumber(c.get("minRttMs"), at + ".minRttMs", 0, MAX_MS),
                SaveRequest.optionalNumber(c.get("rttvarMs"), at + ".rttvarMs", 0, MAX_MS), bias, null);
    }

    /**
     * The sentence of pingscope-reference.js: "HEAD reads 0.8 ms above the kernel's RTT of its own connection,
     * echo 2.6 ms above, PING 0.9 ms above: PING is the closest." Null without a bias.
     */
    String verdict() {
        List<Map.Entry<String, Double>> readings = new ArrayList<>();
        for (Reading r : new Reading[] {head, ws}) {
            if (r != null) {
                readings.addAll(r.bias().entrySet());
            }
        }
        if (readings.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        Map.Entry<String, Double> closest = readings.get(0);
        for (int i = 0; i < readings.size(); i++) {
            Map.Entry<String, Double> e = readings.get(i);
            double d = e.getValue();
            s.append(i == 0 ? "" : ", ").append(NAMES.get(e.getKey())).append(i == 0 ? " reads " : " ").append(oneDecimal(Math.abs(d)))
                    .append(" ms ").append(d < 0 ? "below" : "above");
            if (i == 0) {
                s.append(" the kernel's RTT of its own connection");
            }
            if (Math.abs(d) < Math.abs(closest.getValue())) {
                closest = e;
            }
        }
        return s.append(readings.size() > 1 ? ": " + NAMES.get(closest.getKey()) + " is the closest." : ".").toString();
    }

    /** As JavaScript's toFixed(1): the exact binary value rounded, a tie up. */
    private static String oneDecimal(double v) {
        return new BigDecimal(v).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /** The stored column and the answer alike: {source, http_head, ws, verdict} or {source, unavailable}. */
    ObjectNode json() {
        ObjectNode out = ResultJson.JSON.createObjectNode();
        out.put("source", SOURCE);
        if (unavailable != null) {
            out.put("unavailable", unavailable);
            return out;
        }
        if (head != null) {
            reading(out.putObject("http_head"), head);
        }
        if (ws != null) {
            reading(out.putObject("ws"), ws);
        }
        String verdict = verdict();
        if (verdict != null) {
            out.put("verdict", verdict);
        }
        return out;
    }

    private static void reading(ObjectNode node, Reading r) {
        if (r.unavailable() != null) {
            node.put("unavailable", r.unavailable());
            return;
        }
        node.put("figure", r.figure());
        node.put("rttMs", r.rttMs());
        node.put("samples", r.samples());
        putIfKnown(node, "srttMs", r.srttMs());
        putIfKnown(node, "minRttMs", r.minRttMs());
        putIfKnown(node, "rttvarMs", r.rttvarMs());
        ObjectNode bias = node.putObject("bias");
        r.bias().forEach(bias::put);
    }

    private static void putIfKnown(ObjectNode node, String field, Double value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** The stored column back (null: a result saved without a reference). */
    static SavedReference read(String column) {
        if (column == null) {
            return null;
        }
        try {
            JsonNode r = ResultJson.JSON.readTree(column);
            if (r.has("unavailable")) {
                return new SavedReference(null, null, r.get("unavailable").asText());
            }
            return new SavedReference(readReading(r.get("http_head")), readReading(r.get("ws")), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored result's reference is not JSON", e);
        }
    }

    private static Reading readReading(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.has("unavailable")) {
            return new Reading(null, null, null, null, null, null, Map.of(), c.get("unavailable").asText());
        }
        Map<String, Double> bias = new LinkedHashMap<>();
        c.path("bias").fields().forEachRemaining(e -> bias.put(e.getKey(), e.getValue().asDouble()));
        return new Reading(c.get("figure").asText(), c.get("rttMs").asDouble(), c.get("samples").asLong(), opt(c, "srttMs"),
                opt(c, "minRttMs"), opt(c, "rttvarMs"), bias, null);
    }

    private static Double opt(JsonNode c, String field) {
        return c.hasNonNull(field) ? c.get(field).asDouble() : null;
    }
}
