package dev.pingscope.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.outcome.OutcomeJson;
import dev.pingscope.recording.HistogramCodec;
import dev.pingscope.recording.HistogramStats;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The JSON forms of a saved result: the probes column the database keeps (each condition's lost count,
 * summary and compressed histogram) and the document {@code GET /api/results/{id}} answers.
 */
final class ResultJson {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The most points of a CDF: enough for a smooth curve on a page or a card. */
    static final int CDF_POINTS = 200;

    private ResultJson() {}

    /** The probes column: {kind: {protocol, idle: {lost, count, min_ms, ..., histogram}, loaded: …}}. */
    static String probesColumn(Map<String, KindResult> probes) {
        ObjectNode out = JSON.createObjectNode();
        probes.forEach((kind, k) -> {
            ObjectNode node = out.putObject(kind);
            node.put("protocol", k.protocol());
            node.set(Condition.IDLE, stored(k.idle()));
            if (k.loaded() != null) {
                node.set(Condition.LOADED, stored(k.loaded()));
            }
        });
        return out.toString();
    }

    private static ObjectNode stored(Condition c) {
        ObjectNode node = JSON.valueToTree(HistogramStats.of(c.histogram()));
        node.put("lost", c.lost());
        clock(node, c);
        return node;
    }

    /** The condition's clock and serverTiming, where the client reported them. */
    private static void clock(ObjectNode node, Condition c) {
        if (c.clock() != null) {
            c.clock().json(node.putObject("clock"));
        }
        if (c.serverTiming() != null) {
            node.put("serverTiming", c.serverTiming());
        }
    }

    /** Reads the probes column back: the histograms are decoded, the summaries are recomputed from them. */
    static Map<String, KindResult> readProbes(String column) {
        try {
            JsonNode root = JSON.readTree(column);
            Map<String, KindResult> probes = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> kinds = root.fields();
            while (kinds.hasNext()) {
                Map.Entry<String, JsonNode> e = kinds.next();
                JsonNode k = e.getValue();
                probes.put(e.getKey(), new KindResult(k.get("protocol").asText(), condition(k.get(Condition.IDLE)),
                        k.has(Condition.LOADED) ? condition(k.get(Condition.LOADED)) : null));
            }
            return probes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored result's probes are not JSON", e);
        }
    }

    private static Condition condition(JsonNode c) {
        return new Condition(c.get("lost").asLong(), HistogramCodec.decode(c.get("histogram").asText()), SavedClock.read(c.get("clock")),
                c.hasNonNull("serverTiming") ? c.get("serverTiming").asText() : null);
    }

    /** The answer of GET /api/results/{id}. */
    static ObjectNode document(StoredResult r, String shareUrl) {
        return document(r, shareUrl, true);
    }

    /** With full false, as the operators' list shows it: no url, histogram or cdf (encoding them is most of the cost). */
    static ObjectNode document(StoredResult r, String shareUrl, boolean full) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", r.id());
        if (full) {
            out.put("url", shareUrl);
        }
        out.put("created_at", r.createdAt().toString());
        out.put("instance", r.instance());
        out.put("site", r.site());
        out.put("browser", r.browser());
        out.put("source", r.source());
        out.set("settings", r.settings());
        ObjectNode probes = out.putObject("probes");
        r.probes().forEach((kind, k) -> {
            ObjectNode node = probes.putObject(kind);
            node.put("protocol", k.protocol());
            node.set(Condition.IDLE, summary(k.idle(), full));
            if (k.loaded() != null) {
                node.set(Condition.LOADED, summary(k.loaded(), full));
            }
        });
        if (r.reference() == null) {
            out.putNull("reference");
        } else {
            out.set("reference", r.reference().json());
        }
        if (full) {
            out.set("outcomes", OutcomeJson.of(JSON, StoredOutcomes.of(r)));
        }
        return out;
    }

    /** count, lost, min, p50, p90, p99, max, mean (ms; null without samples), histogram and cdf. */
    static ObjectNode summary(Condition c, boolean full) {
        Histogram h = c.histogram();
        ObjectNode node = JSON.createObjectNode();
        long count = h.getTotalCount();
        node.put("count", count);
        node.put("lost", c.lost());
        if (count == 0) {
            for (String f : List.of("min", "p50", "p90", "p99", "max", "mean")) {
                node.putNull(f);
            }
        } else {
            node.put("min", ms(h.getMinValue()));
            node.put("p50", ms(h.getValueAtPercentile(50)));
            node.put("p90", ms(h.getValueAtPercentile(90)));
            node.put("p99", ms(h.getValueAtPercentile(99)));
            node.put("max", ms(h.getMaxValue()));
            node.put("mean", Math.round(h.getMean()) / 1_000.0);
        }
        clock(node, c);
        if (!full) {
            return node;
        }
        node.put("histogram", HistogramCodec.encode(h));
        ArrayNode cdf = node.putArray("cdf");
        for (double[] p : cdf(h)) {
            cdf.addArray().add(p[0]).add(p[1]);
        }
        return node;
    }

    /** [ms, fraction of RTTs at or below it], at most {@link #CDF_POINTS}, the last at fraction 1. */
    static List<double[]> cdf(Histogram h) {
        List<double[]> all = new ArrayList<>();
        long total = h.getTotalCount();
        if (total == 0) {
            return all;
        }
        long cumulative = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            cumulative += v.getCountAtValueIteratedTo();
            all.add(new double[] {ms(h.highestEquivalentValue(v.getValueIteratedTo())),
                    Math.round(cumulative * 1e6 / total) / 1e6});
        }
        if (all.size() <= CDF_POINTS) {
            return all;
        }
        List<double[]> some = new ArrayList<>();
        double step = (all.size() - 1) / (double) (CDF_POINTS - 1);
        for (int i = 0; i < CDF_POINTS; i++) {
            some.add(all.get((int) Math.round(i * step)));
        }
        return some;
    }

    static double ms(long micros) {
        return micros / 1_000.0;
    }
}
