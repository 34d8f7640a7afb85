package dev.pingscope.stack;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.Repository;
import dev.pingscope.TestServer;
import dev.pingscope.cli.Cli;
import dev.pingscope.metrics.NativeBuckets;
import dev.pingscope.metrics.RttBuckets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitoring stack with real parts: two pingscope instances, Debian's nginx in front of them with the
 * stack's nginx configuration, and Debian's Prometheus scraping each instance with the stack's Prometheus
 * configuration and alert rules (once with classic histograms as in the compose stack, once with native
 * histograms). Traffic goes through nginx: HEAD probes, WebSocket echo clients (the server PINGs them),
 * one WebSocket that never answers PINGs, and browser-style sample batches from three kinds of page.
 * Then every dashboard query and every alert rule runs against Prometheus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackTest {
    private static final String SHOP = "https://shop.example";
    /** A listed site, an unlisted one, and pingscope's own page (no Origin header). */
    private static final List<String> PAGE_ORIGINS = Arrays.asList(SHOP, "https://elsewhere.example", null);
    private static final int HEAD_SAMPLES_PER_BATCH = 100;
    private static final int ECHO_SAMPLES_PER_BATCH = 50;
    private static final int BATCHES_PER_ORIGIN = 10;
    private static final int HEAD_SAMPLES = HEAD_SAMPLES_PER_BATCH * BATCHES_PER_ORIGIN * PAGE_ORIGINS.size();
    private static final int WEBSOCKETS = 4;
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A WebSocket that never answers PINGs, and a long tail of HEAD samples. */
    private static final Set<String> TRAFFIC_ALERTS = Set.of("PingscopeProbeLoss", "PingscopeRttP99High");
    /** Stands for Grafana's $__rate_interval: longer than the whole test, so the traffic phase stays in every window. */
    private static final String RATE_INTERVAL = "5m";

    private final long startedNanos = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer a;
    private TestServer b;
    /** host:port of a and b, as Prometheus labels them (kept: a stopped server forgets its port). */
    private String targetA;
    private String targetB;
    private boolean bStopped;
    private Nginx nginx;
    private Prometheus classic;
    private Prometheus nativeHistograms;
    private final List<EchoClient> echoClients = new ArrayList<>();
    private SilentWebSocket silent;
    private final Map<String, Integer> headAnswersByInstance = new TreeMap<>();
    /** Per phase (idle, traffic, one instance down), the alerts whose expression returned data. */
    private final Map<String, Set<String>> alertsWithData = new LinkedHashMap<>();
    private Map<String, String> alertExprs;

    @BeforeAll
    void startTheStackAndSendTraffic() throws Exception {
        try {
            a = TestServer.start(config("replica-a", "eu"));
            b = TestServer.start(config("replica-b", "us"));
            targetA = "127.0.0.1:" + a.server.port();
            targetB = "127.0.0.1:" + b.server.port();
            List<String> targets = List.of(targetA, targetB);
            nginx = new Nginx(List.of(a.server.port(), b.server.port()));
            classic = new Prometheus(targets, false);
            nativeHistograms = new Prometheus(targets, true);
            classic.awaitReady(WAIT);
            nativeHistograms.awaitReady(WAIT);
            alertExprs = alertRules();

            for (Prometheus p : List.of(classic, nativeHistograms)) {
                await("Prometheus to scrape both instances", () -> p.value("count(up{job=\"pingscope\"} == 1)") == 2);
            }
            // Before any traffic: the no-samples alert must see the two quiet instances (it needs two scrapes).
            await("the no-samples alert to see quiet instances", () -> !classic.values(alertExprs.get("PingscopeNoSamples")).isEmpty());
            alertsWithData.put("idle", alertsWithData());

            sendTraffic();
            // Everything sent is in /metrics after the next recording interval, and then in Prometheus.
            String head = "{kind=\"http_head\", source=\"browser\"}";
            await("classic Prometheus to hold every HEAD sample",
                    () -> classic.value("sum(pingscope_rtt_seconds_count" + head + ")") == HEAD_SAMPLES);
            await("native Prometheus to hold every HEAD sample",
                    () -> nativeHistograms.value("histogram_count(sum(pingscope_rtt_seconds" + head + "))") == HEAD_SAMPLES);
            await("the PINGs of the silent WebSocket to count as lost",
                    () -> classic.value("sum(pingscope_probes_lost_total{kind=\"ws_ping\"})") >= 3);
            // The loss ratio climbs as the silent socket goes on losing PINGs: wait for the traffic alerts
            // to hold, then take the snapshot (which must then hold no others).
            await("the traffic alerts to hold", () -> {
                Set<String> now = alertsWithData();
                alertsWithData.put("traffic", now);
                return now.containsAll(TRAFFIC_ALERTS);
            });
        } catch (Throwable e) {
            throw new AssertionError(e.getMessage() + diagnostics(), e);
        }
    }

    /** Each replica in a region of its own, so that the per-region panel has two regions to tell apart. */
    private static TestConfig config(String instance, String region) {
        // PINGs every 200 ms, lost after 1 s; intervals of 250 ms keep /metrics close behind the traffic.
        return TestServer.testConfig().withInstance(instance)
                .withSites(List.of(SHOP))
                .withIntervals(Duration.ofMillis(200), Duration.ofMillis(250))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .with("--region", region);
    }

    private void sendTraffic() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + nginx.port + "/ws");
        for (int i = 0; i < WEBSOCKETS; i++) {
            // One of them as a client's loaded phase opens it: its PINGs are recorded under load=download,
            // for the idle-against-loaded and RPM panels.
            EchoClient client = EchoClient.connect(http, i == 0 ? URI.create(ws + "?load=download") : ws);
            echoClients.add(client);
            client.awaitHello(WAIT);
        }

        for (int i = 0; i < 100; i++) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/ping?p=" + i))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(204, r.statusCode());
            headAnswersByInstance.merge(r.headers().firstValue("X-Pingscope-Instance").orElseThrow(), 1, Integer::sum);
        }

        // Browser-style batches: HEAD RTTs around 20 ms with a long tail (p99 above 1 s, for the p99 alert),
        // WebSocket echo RTTs around 5 ms, from a listed site, an unlisted one and pingscope's own page.
        Random random = new Random(2026);
        for (String origin : PAGE_ORIGINS) {
            for (int batch = 0; batch <= BATCHES_PER_ORIGIN; batch++) {
                // One more batch, the last, as measured while the page loaded the line: echoes around 80 ms.
                boolean loaded = batch == BATCHES_PER_ORIGIN;
                String body = loaded
                        ? "{\"load\":\"download\",\"samples\":{\"ws_echo\":" + logNormal(random, 80, 0.5, ECHO_SAMPLES_PER_BATCH) + "}}"
                        : "{\"samples\":{\"http_head\":" + logNormal(random, 20, 2.0, HEAD_SAMPLES_PER_BATCH)
                                + ",\"ws_echo\":" + logNormal(random, 5, 0.5, ECHO_SAMPLES_PER_BATCH) + "}}";
                HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/api/samples"))
                        .header("Content-Type", "text/plain;charset=UTF-8").timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (origin != null) {
                    post.header("Origin", origin);
                }
                HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
        }
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/api/samples"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"icmp\":[1]}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
        // Last: while it is open, least_conn sends every short request to the other replica.
        silent = new SilentWebSocket(nginx.port);

        // Echoes keep every connection busy while the server PINGs: at least 2 s of them, 5 PINGs per second.
        long echoUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int n = 0;
        while (System.nanoTime() < echoUntil) {
            for (EchoClient client : echoClients) {
                client.echo("e" + n++);
            }
            Thread.sleep(20);
        }
    }

    private static String logNormal(Random random, double medianMs, double sigma, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double ms = Math.min(60_000, Math.max(0.05, medianMs * Math.exp(random.nextGaussian() * sigma)));
            values.add(String.format(Locale.ROOT, "%.3f", ms));
        }
        return values.stream().collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    @Order(1)
    void each_instance_received_head_probes_samples_and_websockets() throws Exception {
        assertEquals(Set.of("replica-a", "replica-b"), headAnswersByInstance.keySet(), "HEAD probes: " + headAnswersByInstance);
        Map<String, Integer> websockets = new TreeMap<>();
        echoClients.forEach(c -> websockets.merge(c.helloInstances.get(0), 1, Integer::sum));
        assertEquals(Set.of("replica-a", "replica-b"), websockets.keySet(), "WebSockets: " + websockets);
        long total = 0;
        for (TestServer ts : List.of(a, b)) {
            long count = TestServer.totalCount(ts.endInterval(), "http_head", "browser");
            assertTrue(count > 0, ts.server.config().http().instance() + " got samples");
            total += count;
        }
        assertEquals(HEAD_SAMPLES, total, "every sample recorded once, on one instance");
        System.out.printf("stack: HEAD probes per instance %s, WebSockets per instance %s%n", headAnswersByInstance, websockets);
    }

    @Test
    @Order(2)
    void each_websocket_stayed_on_the_instance_that_greeted_it() throws Exception {
        Map<String, Integer> sessions = new TreeMap<>();
        Map<String, Long> pingRtts = new TreeMap<>();
        for (EchoClient client : echoClients) {
            assertEquals(1, client.helloInstances.size(), "one hello: the connection was never re-established");
            List<Long> seqs = List.copyOf(client.pingRttSeqs);
            assertTrue(seqs.size() >= 5, "ping_rtt messages kept coming: " + seqs);
            for (int i = 1; i < seqs.size(); i++) {
                // A new session on another replica would start again at 1 (and say hello again).
                assertTrue(seqs.get(i) > seqs.get(i - 1), "one server session numbers its PINGs 1, 2, 3…: " + seqs);
            }
            sessions.merge(client.helloInstances.get(0), 1, Integer::sum);
            pingRtts.merge(client.helloInstances.get(0), (long) seqs.size(), Long::sum);
        }
        sessions.merge(silent.helloInstance, 1, Integer::sum);
        for (TestServer ts : List.of(a, b)) {
            String instance = ts.server.config().http().instance();
            assertEquals(sessions.get(instance).doubleValue(), ts.metric("pingscope_websocket_sessions{region=\"" + ts.server.config().regions().region() + "\"}"),
                    instance + " holds exactly the connections it greeted");
            JsonNode stats = ts.endInterval();
            long recorded = TestServer.totalCount(stats, "ws_ping", "server")
                    + TestServer.series(stats, "ws_ping", "server", "download", "total").get("count").asLong();
            assertTrue(recorded >= pingRtts.get(instance),
                    instance + " recorded the PINGs its clients were told about: " + recorded + " >= " + pingRtts.get(instance));
        }
    }

    @Test
    @Order(3)
    void every_dashboard_query_returns_data_for_all_values_and_for_one_value_of_each_variable() throws Exception {
        Map<String, String> all = Map.of("kind", ".*", "site", ".*", "instance", ".*", "__rate_interval", RATE_INTERVAL);
        Map<String, String> one = Map.of("kind", "http_head", "site", SHOP, "instance", targetA, "__rate_interval", RATE_INTERVAL);
        List<String> failures = new ArrayList<>();
        int evaluated = 0;
        for (Dashboards.Query q : Dashboards.queries()) {
            for (Map<String, String> values : List.of(all, one)) {
                String promql = Dashboards.substitute(q.expr(), values);
                List<Double> result = classic.values(promql);
                evaluated++;
                if (result.stream().noneMatch(Double::isFinite)) {
                    failures.add(q + " with " + values + ": " + result + "\n  " + promql);
                }
            }
        }
        System.out.printf("stack: %d dashboard queries evaluated, %d without data%n", evaluated, failures.size());
        assertTrue(failures.isEmpty(), "queries without a finite value:\n" + String.join("\n", failures));
    }

    @Test
    @Order(4)
    void every_template_variable_lists_the_values_the_traffic_produced() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "kind", Set.of("http_head", "ws_echo", "ws_ping"),
                "site", Set.of(SHOP, "direct", "other", "none"),
                "instance", Set.of(targetA, targetB));
        for (Dashboards.Variable v : Dashboards.variables()) {
            Matcher m = Dashboards.LABEL_VALUES.matcher(v.query());
            assertTrue(m.matches(), v.query());
            JsonNode data = classic.api("/api/v1/label/" + m.group(2) + "/values?match[]="
                    + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8));
            Set<String> found = new TreeSet<>();
            data.forEach(value -> found.add(value.asText()));
            assertTrue(found.containsAll(expected.get(v.name())), v.dashboard() + " $" + v.name() + ": " + found);
        }
    }

    @Test
    @Order(4)
    void the_per_region_panel_tells_the_regions_apart() throws Exception {
        Dashboards.Query perRegion = Dashboards.queries().stream()
                .filter(q -> q.panel().equals("RTT p50 / p99 by region and probe kind")).findFirst().orElseThrow();
        String promql = Dashboards.substitute(perRegion.expr(),
                Map.of("kind", "http_head", "site", ".*", "instance", ".*", "__rate_interval", RATE_INTERVAL));
        Set<String> regions = new TreeSet<>();
        for (JsonNode series : classic.query(promql).get("result")) {
            regions.add(series.get("metric").get("region").asText());
            assertTrue(Double.isFinite(series.get("value").get(1).asDouble()), series.toString());
        }
        assertEquals(Set.of("eu", "us"), regions, promql);
    }

    @Test
    @Order(5)
    void prometheus_p50_across_both_instances_agrees_with_the_exact_merged_p50_within_one_bucket() throws Exception {
        double exactSeconds = exactMergedP50Ms() / 1000;
        double prometheusSeconds = classic.value(
                "histogram_quantile(0.5, sum by (le) (pingscope_rtt_seconds_bucket{kind=\"http_head\", source=\"browser\"}))");
        double[] bounds = RttBuckets.upperBoundsSeconds();
        int bucket = 0;
        while (bounds[bucket] < prometheusSeconds) {
            bucket++;
        }
        double lower = bucket == 0 ? 0 : bounds[bucket - 1];
        double upper = bounds[bucket];
        System.out.printf(Locale.ROOT, "stack: p50 of %d HEAD samples: Prometheus %.3f ms, exact merged HdrHistogram %.3f ms, bucket (%s, %s] s%n",
                HEAD_SAMPLES, prometheusSeconds * 1000, exactSeconds * 1000, lower, upper);
        // HdrHistogram keeps values to 0.1 %: a value that close to a bound may sit in the neighbouring bucket.
        assertTrue(exactSeconds >= lower * 0.999 && exactSeconds <= upper * 1.001,
                "exact p50 " + exactSeconds + " s lies in Prometheus' bucket (" + lower + ", " + upper + "]");
    }

    @Test
    @Order(6)
    void native_histograms_give_the_p50_within_one_native_bucket() throws Exception {
        List<Double> asIssued = nativeHistograms.values("histogram_quantile(0.5, sum(rate(pingscope_rtt_seconds[1m])))");
        assertEquals(1, asIssued.size(), asIssued.toString());
        assertTrue(Double.isFinite(asIssued.get(0)) && asIssued.get(0) > 0, asIssued.toString());
        assertTrue(nativeHistograms.values("pingscope_rtt_seconds_bucket").isEmpty(),
                "with native histograms on, Prometheus 2.42 keeps no classic buckets of the metric");

        double exactSeconds = exactMergedP50Ms() / 1000;
        double nativeSeconds = nativeHistograms.value(
                "histogram_quantile(0.5, sum(pingscope_rtt_seconds{kind=\"http_head\", source=\"browser\"}))");
        int bucket = NativeBuckets.indexOf(nativeSeconds);
        double lower = NativeBuckets.upperBound(bucket - 1);
        double upper = NativeBuckets.upperBound(bucket);
        System.out.printf(Locale.ROOT, "stack: p50 from native histograms %.3f ms, exact %.3f ms, native bucket %d (%.3f, %.3f] ms; "
                + "all kinds, rate over 1m: %.3f ms%n", nativeSeconds * 1000, exactSeconds * 1000, bucket, lower * 1000,
                upper * 1000, asIssued.get(0) * 1000);
        assertTrue(exactSeconds >= lower * 0.999 && exactSeconds <= upper * 1.001,
                "exact p50 " + exactSeconds + " s lies in the native bucket (" + lower + ", " + upper + "]");
    }

    @Test
    @Order(7)
    void prometheus_evaluates_every_rule_of_the_stack_without_error() throws Exception {
        await("every rule to have been evaluated", () -> {
            List<String> health = new ArrayList<>();
            classic.api("/api/v1/rules").get("groups").forEach(g -> g.get("rules").forEach(r -> health.add(r.get("health").asText())));
            return health.size() == alertExprs.size() && health.stream().allMatch("ok"::equals);
        });
    }

    @Test
    @Order(8)
    void every_alert_rule_returns_data_when_its_condition_holds_and_only_then() throws Exception {
        b.close();
        bStopped = true;
        await("Prometheus to see replica-b down", () -> !classic.values(alertExprs.get("PingscopeInstanceDown")).isEmpty());
        alertsWithData.put("one instance down", alertsWithData());
        System.out.println("stack: alert expressions with data, per phase: " + alertsWithData);

        assertEquals(Set.of("PingscopeNoSamples"), alertsWithData.get("idle"), "before any traffic");
        assertEquals(TRAFFIC_ALERTS, alertsWithData.get("traffic"),
                "a WebSocket that never answers PINGs, and a long tail of HEAD samples");
        assertTrue(alertsWithData.get("one instance down").contains("PingscopeInstanceDown"));
        Set<String> seen = new TreeSet<>();
        alertsWithData.values().forEach(seen::addAll);
        assertEquals(alertExprs.keySet(), seen, "every alert rule returned data in some phase");
        JsonNode down = classic.query(alertExprs.get("PingscopeInstanceDown")).get("result");
        assertEquals(1, down.size());
        assertEquals(targetB, down.get(0).get("metric").get("instance").asText());
    }

    @AfterAll
    void stopEverything() throws Exception {
        List<AutoCloseable> parts = new ArrayList<>(echoClients);
        parts.add(silent);
        parts.add(nativeHistograms);
        parts.add(classic);
        parts.add(nginx);
        parts.add(bStopped ? null : b);
        parts.add(a);
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("stack: closing " + part + " failed: " + e);
                }
            }
        }
        System.out.printf("stack: whole stack test took %d ms%n", (System.nanoTime() - startedNanos) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------------

    /** The exact p50 of every HEAD sample on both instances, as `pingscope stats --json` computes it. */
    private double exactMergedP50Ms() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("stats", "--json", "http://" + targetA, "http://" + targetB);
        assertEquals(0, status, err.toString());
        for (JsonNode s : TestServer.JSON.readTree(out.toString()).get("series")) {
            if (s.get("kind").asText().equals("http_head") && s.get("source").asText().equals("browser")) {
                assertEquals(HEAD_SAMPLES, s.get("total").get("count").asLong());
                return s.get("total").get("p50_ms").asDouble();
            }
        }
        throw new AssertionError("no http_head/browser series in " + out);
    }

    /** The alert rules of the stack, by name. */
    private static Map<String, String> alertRules() {
        Map<String, String> rules = new TreeMap<>();
        Repository.yaml("grafana/prometheus/alerts.yml").get("groups").forEach(g -> g.get("rules").forEach(r -> {
            assertFalse(r.path("alert").asText().isEmpty(), "only alerting rules: " + r);
            rules.put(r.get("alert").asText(), r.get("expr").asText());
        }));
        return rules;
    }

    /** The alerts whose expression returns data right now (their condition holds, "for" aside). */
    private Set<String> alertsWithData() throws Exception {
        Set<String> withData = new TreeSet<>();
        for (Map.Entry<String, String> rule : alertExprs.entrySet()) {
            if (!classic.values(rule.getValue()).isEmpty()) {
                withData.add(rule.getKey());
            }
        }
        return withData;
    }

    private String diagnostics() {
        StringBuilder s = new StringBuilder();
        for (Object part : new Object[] {nginx, classic, nativeHistograms}) {
            if (part instanceof Nginx n) {
                s.append('\n').append(n.logTail());
            } else if (part instanceof Prometheus p) {
                s.append('\n').append(p.logTail());
            }
        }
        return s.toString();
    }

    /** Polls every 50 ms until the check holds, failing after {@link #WAIT}; a check that throws means "not yet". */
    private static void await(String what, Callable<Boolean> check) {
        TestServer.poll(what, WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(check);
    }
}
