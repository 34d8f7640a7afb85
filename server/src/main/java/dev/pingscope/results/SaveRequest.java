package dev.pingscope.results;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.http.ReasonText;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.ProbeKind;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The body of {@code POST /api/results}, read and checked whole (docs/results.md): an unknown field, a
 * value of the wrong type or out of range refuses the save with a reason naming the field. The samples
 * become histograms here, recorded as the server records RTTs (µs, 3 significant digits).
 *
 * @param source   browser or synthetic
 * @param settings the run's settings, with only the known fields
 * @param probes    by kind's wire name, in ProbeKind order
 * @param reference each method against the kernel's RTT, or null when the client sent none
 */
record SaveRequest(String source, ObjectNode settings, Map<String, KindResult> probes, SavedReference reference) {
    /** The kinds a saved result holds: udp_echo is not stored yet (docs/design-udp-echo.md), so the page leaves it out. */
    static final List<ProbeKind> SAVED_KINDS = List.of(ProbeKind.HTTP_HEAD, ProbeKind.WS_ECHO, ProbeKind.WS_PING);
    static final int MAX_SAMPLES = 20_000;
    static final double MAX_SAMPLE_MS = 60_000;
    static final long MAX_LOST = 1_000_000;
    private static final Pattern PROTOCOL = Pattern.compile("[A-Za-z0-9./_-]{1,32}");
    private static final Set<String> LOADS = Set.of("none", "download", "upload", "both");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** @throws InvalidSave 400 malformed (not JSON) or invalid (JSON, but not a result) */
    static SaveRequest parse(byte[] body) throws InvalidSave {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidSave(400, "malformed", "the body is not JSON: " + ReasonText.message(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidSave(400, "malformed", "the body cannot be read: " + ReasonText.message(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw InvalidSave.invalid("the body must be a JSON object");
        }
        onlyFields(root, "", Set.of("source", "settings", "probes", "reference"));
        String source = required(root, "source").asText();
        if (!required(root, "source").isTextual() || !(source.equals("browser") || source.equals("synthetic"))) {
            throw InvalidSave.invalid("source must be \"browser\" or \"synthetic\"");
        }
        ObjectNode settings = settings(required(root, "settings"));
        Map<String, KindResult> probes = probes(required(root, "probes"));
        return new SaveRequest(source, settings, probes, SavedReference.parse(root.get("reference"), probes.keySet()));
    }

    private static ObjectNode settings(JsonNode s) throws InvalidSave {
        if (!s.isObject()) {
            throw InvalidSave.invalid("settings must be an object");
        }
        onlyFields(s, "settings.", Set.of("probes", "rounds", "interval", "timeout", "warmup", "load"));
        ObjectNode out = JSON.createObjectNode();
        JsonNode kinds = required(s, "probes", "settings.");
        if (!kinds.isArray() || kinds.isEmpty() || kinds.size() > SAVED_KINDS.size()) {
            throw InvalidSave.invalid("settings.probes must list 1 to 3 probe kinds");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode k : kinds) {
            ProbeKind kind = k.isTextual() ? ProbeKind.fromWireName(k.asText()) : null;
            if (kind == null || !SAVED_KINDS.contains(kind) || !names.add(k.asText())) {
                throw InvalidSave.invalid("settings.probes: " + shown(k) + " is not a probe kind (http_head, ws_echo, ws_ping) listed once");
            }
        }
        com.fasterxml.jackson.databind.node.ArrayNode listed = out.putArray("probes");
        names.forEach(listed::add);
        out.put("rounds", integer(required(s, "rounds", "settings."), "settings.rounds", 1, 1_000_000));
        number(required(s, "interval", "settings."), "settings.interval", 0, 60_000);
        out.set("interval", s.get("interval").deepCopy());
        number(required(s, "timeout", "settings."), "settings.timeout", 1, 60_000);
        out.set("timeout", s.get("timeout").deepCopy());
        out.put("warmup", integer(required(s, "warmup", "settings."), "settings.warmup", 0, 100_000));
        JsonNode load = s.get("load");
        if (load == null || load.isNull()) {
            out.put("load", "none");
        } else if (load.isTextual() && LOADS.contains(load.asText())) {
            out.put("load", load.asText());
        } else {
            throw InvalidSave.invalid("settings.load must be one of none, download, upload, both");
        }
        return out;
    }

    private static Map<String, KindResult> probes(JsonNode p) throws InvalidSave {
        if (!p.isObject() || p.isEmpty()) {
            throw InvalidSave.invalid("probes must be an object with at least one probe kind");
        }
        Set<String> kindNames = new LinkedHashSet<>();
        for (ProbeKind k : SAVED_KINDS) {
            kindNames.add(k.wireName());
        }
        onlyFields(p, "probes.", kindNames);
        Map<String, KindResult> out = new LinkedHashMap<>();
        for (String kind : kindNames) {
            JsonNode k = p.get(kind);
            if (k == null) {
                continue;
            }
            String at = "probes." + kind;
            if (!k.isObject()) {
                throw InvalidSave.invalid(at + " must be an object");
            }
            onlyFields(k, at + ".", Set.of("protocol", "idle", "loaded"));
            JsonNode protocol = required(k, "protocol", at + ".");
            if (!protocol.isTextual() || !PROTOCOL.matcher(protocol.asText()).matches()) {
                throw InvalidSave.invalid(at + ".protocol must be 1 to 32 characters of A-Z a-z 0-9 . / _ -");
            }
            JsonNode loaded = k.get("loaded");
            out.put(kind, new KindResult(protocol.asText(), condition(required(k, "idle", at + "."), kind, at + ".idle"),
                    loaded == null || loaded.isNull() ? null : condition(loaded, kind, at + ".loaded")));
        }
        return out;
    }

    private static Condition condition(JsonNode c, String kind, String at) throws InvalidSave {
        if (!c.isObject()) {
            throw InvalidSave.invalid(at + " must be an object");
        }
        onlyFields(c, at + ".", Set.of("samples", "lost", "clock", "serverTiming"));
        SavedClock clock = SavedClock.parse(c.get("clock"), at + ".clock");
        String serverTiming = SavedClock.serverTiming(c.get("serverTiming"), kind, at + ".serverTiming");
        JsonNode samples = required(c, "samples", at + ".");
        if (!samples.isArray()) {
            throw InvalidSave.invalid(at + ".samples must be an array of RTTs in ms");
        }
        if (samples.size() > MAX_SAMPLES) {
            throw InvalidSave.invalid(at + ".samples holds " + samples.size() + " RTTs; at most " + MAX_SAMPLES);
        }
        long lost = integer(required(c, "lost", at + "."), at + ".lost", 0, MAX_LOST);
        Histogram h = RttRecorders.newHistogram();
        for (JsonNode s : samples) {
            if (!s.isNumber() || !(s.asDouble() > 0 && s.asDouble() <= MAX_SAMPLE_MS)) {
                throw InvalidSave.invalid(at + ".samples: " + shown(s) + " is not an RTT in ms above 0 and at most 60000");
            }
            h.recordValue(Math.max(RttRecorders.LOWEST_MICROS, Math.min(RttRecorders.HIGHEST_MICROS, Math.round(s.asDouble() * 1_000))));
        }
        return new Condition(lost, h, clock, serverTiming);
    }

    static void onlyFields(JsonNode node, String at, Set<String> known) throws InvalidSave {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw InvalidSave.invalid("unknown field " + at + ReasonText.value(name) + " (known: " + String.join(", ", List.copyOf(known)) + ")");
            }
        }
    }

    /** A value as a reason may quote it: shortened and printable, whatever the client sent. */
    static String shown(JsonNode value) {
        return ReasonText.value(value.toString());
    }

    private static JsonNode required(JsonNode node, String field) throws InvalidSave {
        return required(node, field, "");
    }

    static JsonNode required(JsonNode node, String field, String at) throws InvalidSave {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw InvalidSave.invalid(at + field + " is missing");
        }
        return value;
    }

    static double number(JsonNode n, String at, double min, double max) throws InvalidSave {
        if (!n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
            throw InvalidSave.invalid(at + " must be a number from " + (long) min + " to " + (long) max + ", not " + shown(n));
        }
        return n.asDouble();
    }

    /** A number in [min, max], or null when the field is absent or null. */
    static Double optionalNumber(JsonNode n, String at, double min, double max) throws InvalidSave {
        return n == null || n.isNull() ? null : number(n, at, min, max);
    }

    static long integer(JsonNode n, String at, long min, long max) throws InvalidSave {
        double value = number(n, at, (double) min, (double) max);
        if (value != Math.rint(value)) {
            throw InvalidSave.invalid(at + " must be a whole number, not " + shown(n));
        }
        return (long) value;
    }
}
