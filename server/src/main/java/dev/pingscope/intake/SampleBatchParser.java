package dev.pingscope.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.http.ReasonText;
import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates one intake batch (see docs/protocol.md):
 * <pre>{@code {"samples": {"http_head": [12.5, 11.9], "ws_echo": [1.2]}}}</pre>
 * An optional {@code "source"} is "browser" (the default) or "synthetic" (pingscope probe --report-to); an
 * optional {@code "load"} is the condition every sample of the batch was measured under: "idle" (the
 * default), "download", "upload" or "both" (docs/load.md).
 * Values are round-trip times in milliseconds, finite, in (0, 60000]. Either the whole batch is valid, or
 * {@link BatchRejected} names the first problem and nothing of the batch is used.
 */
public final class SampleBatchParser {
    /** Kinds a client may report. ws_ping is timed by the server itself, so a client never sends it. */
    public static final Set<ProbeKind> CLIENT_KINDS = Set.of(ProbeKind.HTTP_HEAD, ProbeKind.WS_ECHO, ProbeKind.UDP_ECHO);
    /** Sources a client may claim; "server" is only ever the server itself. */
    public static final List<Source> CLIENT_SOURCES = List.of(Source.BROWSER, Source.SYNTHETIC);
    public static final double MAX_RTT_MS = 60_000;
    private static final int MAX_NESTING_DEPTH = 8;

    private final ObjectMapper mapper;
    private final int maxSamples;

    public SampleBatchParser(int maxSamples) {
        this.maxSamples = maxSamples;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public SampleBatch parse(byte[] body) throws BatchRejected {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BatchRejected(RejectReason.MALFORMED, "body is not valid JSON: " + ReasonText.message(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BatchRejected(RejectReason.MALFORMED, "body could not be read: " + ReasonText.message(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BatchRejected(RejectReason.MALFORMED, "body must be a JSON object with a \"samples\" object");
        }
        JsonNode samples = root.get("samples");
        if (samples == null || !samples.isObject()) {
            throw new BatchRejected(RejectReason.MALFORMED, "\"samples\" must be an object of probe kind to array of RTTs in ms");
        }
        Source source = sourceOf(root.get("source"));
        Load load = loadOf(root.get("load"));
        Map<ProbeKind, List<Long>> micros = new EnumMap<>(ProbeKind.class);
        int total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = samples.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            ProbeKind kind = ProbeKind.fromWireName(entry.getKey());
            if (kind == null || !CLIENT_KINDS.contains(kind) || !source.measures(kind)) {
                throw new BatchRejected(RejectReason.UNKNOWN_KIND, "\"" + truncate(entry.getKey())
                        + "\" is not a probe kind a client reports (http_head, ws_echo; udp_echo from browsers)");
            }
            JsonNode values = entry.getValue();
            if (!values.isArray()) {
                throw new BatchRejected(RejectReason.MALFORMED, "samples." + kind.wireName() + " must be an array of numbers");
            }
            total += values.size();
            if (total > maxSamples) {
                throw new BatchRejected(RejectReason.TOO_MANY_SAMPLES, "a batch holds at most " + maxSamples + " samples");
            }
            List<Long> kindMicros = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                kindMicros.add(toMicros(values.get(i), kind.wireName() + "[" + i + "]"));
            }
            micros.put(kind, kindMicros);
        }
        if (total == 0) {
            throw new BatchRejected(RejectReason.EMPTY, "the batch holds no samples");
        }
        return new SampleBatch(source, load, micros);
    }

    private static Source sourceOf(JsonNode node) throws BatchRejected {
        if (node == null) {
            return Source.BROWSER;
        }
        for (Source source : CLIENT_SOURCES) {
            if (node.isTextual() && source.wireName().equals(node.asText())) {
                return source;
            }
        }
        throw new BatchRejected(RejectReason.UNKNOWN_SOURCE,
                "\"source\" " + truncate(node.toString()) + " is not a client source (browser, synthetic)");
    }

    private static Load loadOf(JsonNode node) throws BatchRejected {
        if (node == null) {
            return Load.IDLE;
        }
        Load load = node.isTextual() ? Load.fromWireName(node.asText()) : null;
        if (load == null) {
            throw new BatchRejected(RejectReason.UNKNOWN_LOAD,
                    "\"load\" " + truncate(node.toString()) + " is not a load condition (" + Load.NAMES + ")");
        }
        return load;
    }

    private static long toMicros(JsonNode value, String where) throws BatchRejected {
        if (!value.isNumber()) {
            throw new BatchRejected(RejectReason.MALFORMED, "samples." + where + " is not a number");
        }
        double ms = value.asDouble();
        if (!Double.isFinite(ms) || ms <= 0 || ms > MAX_RTT_MS) {
            throw new BatchRejected(RejectReason.OUT_OF_RANGE,
                    "samples." + where + " = " + truncate(value.toString()) + " ms is outside (0, 60000]");
        }
        return Math.max(1, Math.round(ms * 1_000));
    }

    private static String truncate(String s) {
        return ReasonText.value(s);
    }
}
