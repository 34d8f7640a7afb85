package dev.pingscope.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.Repository;
import dev.pingscope.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Debian's Prometheus, run with the repository's own configuration (grafana/prometheus/prometheus.yml) and
 * rule files, scraping test instances. Two things differ from the compose stack, both in the config tree:
 * the targets (static, instead of DNS service discovery of the compose service) and a 1 s scrape and
 * evaluation interval. The job, its settings and the rule files are the stack's.
 */
final class Prometheus implements AutoCloseable {
    static final String CONFIG = "grafana/prometheus/prometheus.yml";
    static final String JOB = "pingscope";
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    private final TempDir dir = new TempDir("pingscope-prometheus");
    private final ExternalProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param targets          host:port of each instance
     * @param nativeHistograms start with --enable-feature=native-histograms
     */
    Prometheus(List<String> targets, boolean nativeHistograms) throws IOException {
        String prometheus = Binaries.require("prometheus", "prometheus").toString();
        port = Ports.free();
        try {
            process = start(prometheus, targets, nativeHistograms);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private ExternalProcess start(String prometheus, List<String> targets, boolean nativeHistograms) throws IOException {
        Files.writeString(dir.resolve("prometheus.yml"), Repository.YAML.writeValueAsString(testConfig(targets)));
        for (JsonNode ruleFile : Repository.yaml(CONFIG).path("rule_files")) {
            Files.copy(Repository.file("grafana/prometheus/" + ruleFile.asText()), dir.resolve(ruleFile.asText()));
        }
        List<String> command = new ArrayList<>(List.of(prometheus,
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        if (nativeHistograms) {
            command.add("--enable-feature=native-histograms");
        }
        return ExternalProcess.start(nativeHistograms ? "prometheus (native histograms)" : "prometheus",
                command, dir.resolve("output.log"));
    }

    /** The stack's config with only the targets and the intervals changed. */
    static JsonNode testConfig(List<String> targets) {
        ObjectNode config = (ObjectNode) Repository.yaml(CONFIG);
        ObjectNode global = (ObjectNode) config.get("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        List<ObjectNode> jobs = new ArrayList<>();
        config.get("scrape_configs").forEach(j -> jobs.add((ObjectNode) j));
        if (jobs.size() != 1 || !JOB.equals(jobs.get(0).path("job_name").asText()) || !jobs.get(0).has("dns_sd_configs")) {
            throw new AssertionError(CONFIG + " should hold one job, " + JOB + ", found by dns_sd_configs: update the test along with it");
        }
        ObjectNode job = jobs.get(0);
        job.remove("dns_sd_configs");
        ArrayNode staticTargets = job.putArray("static_configs").addObject().putArray("targets");
        targets.forEach(staticTargets::add);
        return config;
    }

    /** Polls every 50 ms until Prometheus answers /-/ready, failing at once if it exits. */
    void awaitReady(Duration deadline) {
        try {
            TestServer.poll("Prometheus to answer /-/ready", deadline).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(IOException.class) // still starting: refused, reset, timed out
                    .failFast("Prometheus exited", () -> !process.isAlive())
                    .until(() -> http.send(HttpRequest.newBuilder(uri("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "\n" + process.logTail(), e);
        }
    }

    /** GET an API path; fails with Prometheus' error message when the answer is not a success. */
    JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + pathAndQuery + ": " + r.body());
        }
        return body.get("data");
    }

    /** An instant query at the current time: data.result (a vector, or a scalar's [time, value]). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The values an instant query returns, one per series (NaN and infinities included). */
    List<Double> values(String promql) throws IOException, InterruptedException {
        JsonNode data = query(promql);
        List<Double> values = new ArrayList<>();
        if ("scalar".equals(data.path("resultType").asText())) {
            values.add(Double.parseDouble(data.get("result").get(1).asText()));
        } else {
            for (JsonNode series : data.get("result")) {
                values.add(Double.parseDouble(series.get("value").get(1).asText()));
            }
        }
        return values;
    }

    /** The single value of a query that must return exactly one series. */
    double value(String promql) throws IOException, InterruptedException {
        List<Double> values = values(promql);
        if (values.size() != 1) {
            throw new AssertionError("expected one series from " + promql + ", got " + values);
        }
        return values.get(0);
    }

    String logTail() {
        return process.logTail();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            dir.close();
        }
    }
}
