package dev.pingscope.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * {@code pingscope probe --save}: posts the run to the server's {@code POST /api/results} as source
 * {@code synthetic} (docs/results.md): per kind the idle condition and, after {@code --load}, the loaded one.
 *
 * <p>The prober keeps each kind's raw RTTs (from the actual send time) as an HdrHistogram, not as a list,
 * so the samples posted are the histogram's own values: each recorded bucket's middle value, as many times
 * as it was recorded. The server records them into a histogram of the same range and precision, so each
 * lands in the bucket it came from and the saved histogram equals the prober's raw histogram exactly. A
 * run with more than {@value #MAX_SAMPLES} RTTs of a kind (the contract's limit) posts {@value #MAX_SAMPLES}
 * evenly spaced quantiles of it instead: the same distribution, at the contract's size.
 */
public final class ResultSave {
    /** The most samples per kind and condition the server accepts. */
    public static final int MAX_SAMPLES = 20_000;
    private static final long MAX_MICROS = 60_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server answered: the link and delete token, or why not. */
    public record Saved(int status, String url, String deleteToken, String error) {
        public boolean ok() {
            return status == 201 && url != null;
        }
    }

    private ResultSave() {}

    /** Posts the run to the server it probed. */
    public static Saved post(ProbeReport report) throws IOException, InterruptedException {
        ProbeOptions options = report.options();
        URI endpoint = Targets.http(options.target(), "/api/results");
        HttpResponse<String> response = ProbeClients.forReports(options).send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body(report).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() == 201) {
            return new Saved(201, answer.path("url").asText(null), answer.path("deleteToken").asText(null), null);
        }
        String why = answer.path("message").asText(answer.path("error").asText("HTTP " + response.statusCode()));
        return new Saved(response.statusCode(), null, null, why);
    }

    /** The save request of a run. */
    public static ObjectNode body(ProbeReport report) {
        ProbeOptions options = report.options();
        ObjectNode root = JSON.createObjectNode();
        root.put("source", "synthetic");
        ObjectNode settings = root.putObject("settings");
        ArrayNode kinds = settings.putArray("probes");
        long rounds = 1;
        for (KindReport k : report.kinds()) {
            kinds.add(k.kind().wireName());
            rounds = Math.max(rounds, k.answered() + k.lost());
        }
        settings.put("rounds", Math.min(rounds, 1_000_000));
        settings.put("interval", options.closedLoop() ? 0 : Math.min(60_000, options.periodPerConnectionNanos() / 1e6));
        settings.put("timeout", options.timeout().toMillis());
        settings.put("warmup", Math.min(100_000, options.warmup()));
        LoadReport load = report.load();
        settings.put("load", load == null ? "none" : load.direction().wireName());
        ObjectNode probes = root.putObject("probes");
        Map<String, Double> p50Ms = new LinkedHashMap<>();
        for (KindReport k : report.kinds()) {
            if (k.answered() > 0) {
                p50Ms.put(k.kind().wireName(), k.raw().getValueAtPercentile(50) / 1_000.0);
            }
        }
        ObjectNode reference = report.reference() == null ? null : report.reference().saveJson(JSON, p50Ms);
        for (KindReport k : report.kinds()) {
            ObjectNode kind = probes.putObject(k.kind().wireName());
            kind.put("protocol", k.protocols().isEmpty() ? "none" : k.protocols().get(0));
            condition(kind.putObject("idle"), k);
            KindReport loaded = load == null ? null : load.loaded(k.kind());
            if (loaded != null && loaded.answered() + loaded.lost() > 0) {
                condition(kind.putObject("loaded"), loaded);
            }
        }
        if (reference != null) {
            root.set("reference", reference);
        }
        return root;
    }

    private static void condition(ObjectNode condition, KindReport k) {
        ArrayNode samples = condition.putArray("samples");
        for (long micros : samples(k.raw())) {
            samples.add(micros / 1_000.0);
        }
        condition.put("lost", Math.min(1_000_000, k.lost()));
    }

    /** The histogram's values in µs, as described above: all of them, or evenly spaced quantiles. */
    static long[] samples(Histogram h) {
        long total = h.getTotalCount();
        if (total <= MAX_SAMPLES) {
            long[] out = new long[(int) total];
            int i = 0;
            for (HistogramIterationValue v : h.recordedValues()) {
                long value = Math.min(MAX_MICROS, Math.max(1, h.medianEquivalentValue(v.getValueIteratedTo())));
                for (long c = 0; c < v.getCountAtValueIteratedTo(); c++) {
                    out[i++] = value;
                }
            }
            return out;
        }
        long[] out = new long[MAX_SAMPLES];
        for (int i = 0; i < MAX_SAMPLES; i++) {
            long v = h.getValueAtPercentile((i + 0.5) * 100.0 / MAX_SAMPLES);
            out[i] = Math.min(MAX_MICROS, Math.max(1, h.medianEquivalentValue(v)));
        }
        return out;
    }
}
