package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.TestConfig;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.recording.HistogramCodec;
import dev.pingscope.recording.RttRecorders;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * docs/results.md, end to end against a real server and a real database: the same tests run on SQLite
 * ({@link SqliteResultsTest}) and on PostgreSQL ({@link PostgresResultsTest}).
 */
abstract class ResultsContractTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";

    @TempDir
    Path dataDir;

    private final List<TestServer> servers = new ArrayList<>();

    /** The options that point a server (this JVM's or a child's) at a database of this test's own. */
    abstract List<String> storageOptions(Path dir);

    /** A JDBC URL, user and password for looking into that database directly. */
    abstract String[] jdbc(ResultsSettings storage);

    /** This test's storage options, made once so that every server of the test shares the database. */
    private List<String> storage;
    /** The results settings of the test's last server. */
    ResultsSettings results;

    TestServer server() {
        return server(TestServer.testConfig());
    }

    /** A server on this test's database that saves without limit and keeps truncated addresses. */
    TestServer server(TestConfig config) {
        return onStorage(config.with("--results-rate", 1_000_000).with("--results-retention", Duration.ofDays(90))
                .with("--results-client-address", "truncated").with("--admin-token", ADMIN_TOKEN));
    }

    /** A server on this test's database, otherwise configured as given. */
    TestServer onStorage(TestConfig config) {
        List<String> options = storage();
        for (int i = 0; i < options.size(); i += 2) {
            config.with(options.get(i), options.get(i + 1));
        }
        TestServer s = TestServer.start(config);
        results = s.server.config().results();
        servers.add(s);
        return s;
    }

    private List<String> storage() {
        if (storage == null) {
            storage = storageOptions(dataDir);
        }
        return storage;
    }

    @AfterEach
    void stopServers() {
        servers.forEach(TestServer::close);
    }

    // ---- the payload ---------------------------------------------------------------------------------

    static ObjectNode payload(String source, double... idleSamples) {
        ObjectNode p = JSON.createObjectNode();
        p.put("source", source);
        ObjectNode settings = p.putObject("settings");
        settings.putArray("probes").add("http_head").add("ws_echo");
        settings.put("rounds", 50).put("interval", 200).put("timeout", 2000).put("warmup", 3).put("load", "download");
        ObjectNode probes = p.putObject("probes");
        ObjectNode head = probes.putObject("http_head");
        head.put("protocol", "http/1.1");
        ObjectNode idle = head.putObject("idle");
        ArrayNode samples = idle.putArray("samples");
        for (double s : idleSamples) {
            samples.add(s);
        }
        idle.put("lost", 2);
        ObjectNode loaded = head.putObject("loaded");
        loaded.putArray("samples").add(80.25).add(95.5);
        loaded.put("lost", 1);
        ObjectNode echo = probes.putObject("ws_echo");
        echo.put("protocol", "ws");
        echo.putObject("idle").put("lost", 0).putArray("samples").add(11.2).add(10.9);
        return p;
    }

    static HttpResponse<String> save(TestServer s, String body) throws Exception {
        return s.send(HttpRequest.newBuilder(s.uri("/api/results")).header("Content-Type", "application/json")
                .header("User-Agent", FIREFOX).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonNode saved(TestServer s, ObjectNode payload) throws Exception {
        HttpResponse<String> r = save(s, payload.toString());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** An operators' request; a page of 1000 results takes a while on a busy machine, so it may take a minute. */
    static HttpResponse<String> admin(TestServer s, String path, String accept) throws Exception {
        return s.http.send(HttpRequest.newBuilder(s.uri(path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Accept", accept).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static long storedCount(TestServer s) throws Exception {
        return JSON.readTree(admin(s, "/api/results/merged", "application/json").body()).get("results").asLong();
    }

    static Histogram histogramOf(double... ms) {
        Histogram h = RttRecorders.newHistogram();
        for (double v : ms) {
            h.recordValue(Math.round(v * 1000));
        }
        return h;
    }

    // ---- saving and reading --------------------------------------------------------------------------

    @Test
    void a_saved_result_reads_back_with_statistics_built_from_its_samples() throws Exception {
        TestServer s = server();
        double[] samples = {12.41, 11.9, 13.3, 25.0, 11.95, 12.0, 14.2};
        JsonNode ack = saved(s, payload("browser", samples));
        String id = ack.get("id").asText();
        assertTrue(ResultId.isWellFormed(id), id);
        assertEquals(s.uri("/r/" + id).toString(), ack.get("url").asText());
        assertTrue(ack.get("deleteToken").asText().length() >= 40);

        HttpResponse<String> got = s.get("/api/results/" + id);
        assertEquals(200, got.statusCode(), got.body());
        JsonNode r = JSON.readTree(got.body());
        assertEquals(id, r.get("id").asText());
        assertEquals("browser", r.get("source").asText());
        assertEquals("firefox", r.get("browser").asText());
        assertEquals("direct", r.get("site").asText(), "no Origin: the server's own page");
        assertEquals(s.server.config().http().instance(), r.get("instance").asText());
        assertTrue(Duration.between(Instant.parse(r.get("created_at").asText()), Instant.now()).abs().toSeconds() < 60);
        assertEquals("download", r.get("settings").get("load").asText());
        assertEquals(50, r.get("settings").get("rounds").asInt());

        Histogram expected = histogramOf(samples);
        JsonNode idle = r.get("probes").get("http_head").get("idle");
        assertEquals("http/1.1", r.get("probes").get("http_head").get("protocol").asText());
        assertEquals(samples.length, idle.get("count").asLong());
        assertEquals(2, idle.get("lost").asLong());
        assertEquals(expected.getValueAtPercentile(50) / 1000.0, idle.get("p50").asDouble());
        assertEquals(expected.getValueAtPercentile(99) / 1000.0, idle.get("p99").asDouble());
        assertEquals(expected.getMinValue() / 1000.0, idle.get("min").asDouble());
        assertEquals(expected, HistogramCodec.decode(idle.get("histogram").asText()));
        JsonNode cdf = idle.get("cdf");
        assertEquals(1.0, cdf.get(cdf.size() - 1).get(1).asDouble());
        assertEquals(2, r.get("probes").get("http_head").get("loaded").get("count").asLong());
        assertEquals(1, r.get("probes").get("http_head").get("loaded").get("lost").asLong());
        assertFalse(r.get("probes").get("ws_echo").has("loaded"));
        assertFalse(r.has("deleteToken") || got.body().contains("delete"), "the token is given once, never read back");
    }

    @Test
    void bad_input_is_refused_with_a_reason_and_nothing_is_stored() throws Exception {
        TestServer s = server();
        Map<String, String> bodies = new HashMap<>();
        bodies.put("not json", "{\"source\":");
        ObjectNode unknown = payload("browser", 10);
        unknown.put("sorce", "typo");
        bodies.put("sorce", unknown.toString());
        ObjectNode wrongType = payload("browser", 10);
        ((ObjectNode) wrongType.get("settings")).put("rounds", "fifty");
        bodies.put("settings.rounds", wrongType.toString());
        ObjectNode stringSample = payload("browser", 10);
        ((ArrayNode) stringSample.at("/probes/http_head/idle/samples")).add("12");
        bodies.put("samples", stringSample.toString());
        bodies.put("above 0", payload("browser", 10, -1).toString());
        bodies.put("at most 60000", payload("browser", 60_000.5).toString());
        ObjectNode hostile = payload("browser", 10);
        ((ObjectNode) hostile.at("/probes/http_head")).put("protocol", "<script>alert(1)</script>");
        bodies.put("protocol", hostile.toString());
        ObjectNode sql = payload("browser", 10);
        ((ObjectNode) sql.get("settings")).put("load", "none'); DROP TABLE results; --");
        bodies.put("settings.load", sql.toString());
        ObjectNode kind = payload("browser", 10);
        ((ObjectNode) kind.get("probes")).set("ws_pong", kind.at("/probes/ws_echo"));
        bodies.put("probes.ws_pong", kind.toString());
        bodies.put("source", payload("server", 10).toString());
        ObjectNode tooMany = payload("browser");
        ArrayNode many = (ArrayNode) tooMany.at("/probes/http_head/idle/samples");
        for (int i = 0; i < 20_001; i++) {
            many.add(1);
        }
        bodies.put("at most 20000", tooMany.toString());
        ObjectNode lost = payload("browser", 10);
        ((ObjectNode) lost.at("/probes/ws_echo/idle")).put("lost", 1.5);
        bodies.put("lost", lost.toString());
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            HttpResponse<String> r = save(s, b.getValue());
            assertEquals(400, r.statusCode(), b.getKey() + ": " + r.body());
            JsonNode error = JSON.readTree(r.body());
            assertTrue(Set.of("malformed", "invalid").contains(error.get("error").asText()), r.body());
            if (!b.getKey().equals("not json")) {
                assertTrue(error.get("message").asText().contains(b.getKey()), b.getKey() + " named in " + r.body());
            }
        }
        double[] full = new double[20_000];
        for (int i = 0; i < full.length; i++) {
            full[i] = 10 + i / 1000.0; // "10.123," ... about 140 KB: above the intake's 64 KiB, within --results-max-body
        }
        String big = payload("browser", full).toString();
        assertTrue(big.length() > 100_000, "the body is " + big.length() + " bytes");
        HttpResponse<String> bigButValid = save(s, big);
        assertEquals(201, bigButValid.statusCode(), bigButValid.body());
        assertEquals(20_000, JSON.readTree(s.get("/api/results/" + JSON.readTree(bigButValid.body()).get("id").asText()).body())
                .at("/probes/http_head/idle/count").asLong());
        HttpResponse<String> large = save(s, payload("browser", 10).toString() + " ".repeat(262_144));
        assertEquals(413, large.statusCode(), large.body());
        assertEquals("body_too_large", JSON.readTree(large.body()).get("error").asText());
        HttpResponse<String> form = s.post("/api/results", "application/x-www-form-urlencoded", payload("browser", 10).toString());
        assertEquals(415, form.statusCode(), form.body());
        HttpResponse<String> foreign = s.send(HttpRequest.newBuilder(s.uri("/api/results")).header("Content-Type", "application/json")
                .header("Origin", "https://elsewhere.example").POST(HttpRequest.BodyPublishers.ofString(payload("browser", 10).toString())));
        assertEquals(201, foreign.statusCode(), "--allowed-origins * lets any page save");
        assertEquals(2, storedCount(s), "only the two valid saves are stored");
        assertEquals(200, admin(s, "/api/results", "application/json").statusCode(), "the table is still there");
    }

    /** The payload with what a browser run adds: each condition's clock, HEAD's serverTiming, the kernel reference. */
    static ObjectNode withReferenceAndClock(ObjectNode p) {
        ((ObjectNode) p.at("/probes/http_head/idle")).put("serverTiming", "subtracted").putObject("clock")
                .put("step", 0.1).put("isolated", false).put("quantized", true).put("errorBound", 0.05);
        ((ObjectNode) p.at("/probes/http_head/loaded")).put("serverTiming", "partly").putObject("clock")
                .put("step", 1).put("isolated", false).put("quantized", true).put("errorBound", 0.49);
        ((ObjectNode) p.at("/probes/ws_echo/idle")).putObject("clock")
                .put("step", 0.005).put("isolated", true).put("quantized", false).put("errorBound", 0.01);
        ObjectNode ref = p.putObject("reference").put("source", "tcp_info");
        ref.putObject("http_head").put("figure", "srtt").put("rttMs", 9.75).put("samples", 5).put("srttMs", 9.75)
                .put("minRttMs", 9.1).put("rttvarMs", 0.4).putObject("bias").put("http_head", 0.82);
        ref.putObject("ws").put("figure", "min").put("rttMs", 8.5).put("samples", 40).put("srttMs", 11.0)
                .put("minRttMs", 8.5).put("rttvarMs", 1.2).putObject("bias").put("ws_echo", -0.25);
        return p;
    }

    @Test
    void the_kernel_reference_and_each_kinds_clock_are_kept_and_the_verdict_is_worded_from_the_biases() throws Exception {
        TestServer s = server();
        JsonNode ok = saved(s, withReferenceAndClock(payload("browser", 10, 12)));
        JsonNode r = JSON.readTree(s.get("/api/results/" + ok.get("id").asText()).body());
        JsonNode ref = r.get("reference");
        assertEquals("tcp_info", ref.get("source").asText(), r.toString());
        assertEquals(9.75, ref.at("/http_head/rttMs").asDouble());
        assertEquals(5, ref.at("/http_head/samples").asLong());
        assertEquals(0.4, ref.at("/http_head/rttvarMs").asDouble());
        assertEquals("min", ref.at("/ws/figure").asText());
        assertEquals(-0.25, ref.at("/ws/bias/ws_echo").asDouble());
        assertEquals("HEAD reads 0.8 ms above the kernel's RTT of its own connection, echo 0.3 ms below: echo is the closest.",
                ref.get("verdict").asText(), "the words of pingscope-reference.js (0.25 rounds up, as toFixed does)");
        JsonNode head = r.at("/probes/http_head");
        assertEquals(0.1, head.at("/idle/clock/step").asDouble());
        assertTrue(head.at("/idle/clock/quantized").asBoolean());
        assertEquals(0.05, head.at("/idle/clock/errorBound").asDouble());
        assertEquals("subtracted", head.at("/idle/serverTiming").asText());
        assertEquals(1.0, head.at("/loaded/clock/step").asDouble(), "the loaded phase keeps its own clock");
        assertEquals("partly", head.at("/loaded/serverTiming").asText());
        assertTrue(r.at("/probes/ws_echo/idle/clock/isolated").asBoolean());
        assertFalse(r.at("/probes/ws_echo/idle").has("serverTiming"));
        String page = s.get("/r/" + ok.get("id").asText()).body();
        assertTrue(page.contains("<p class=\"reference fallback\">Against the kernel: HEAD reads 0.8 ms above the kernel&#39;s RTT"),
                "the page without JavaScript has the verdict: " + page);

        ObjectNode proxied = payload("browser", 10);
        proxied.putObject("reference").put("source", "tcp_info").put("unavailable", "proxied");
        JsonNode p = JSON.readTree(s.get("/api/results/" + saved(s, proxied).get("id").asText()).body());
        assertEquals("proxied", p.at("/reference/unavailable").asText(), p.toString());
        assertFalse(p.get("reference").has("verdict"));
    }

    @Test
    void a_result_saved_without_reference_or_clock_still_reads_and_shows() throws Exception {
        TestServer s = server();
        String id = saved(s, payload("browser", 10, 12)).get("id").asText();
        HttpResponse<String> got = s.get("/api/results/" + id);
        assertEquals(200, got.statusCode(), got.body());
        JsonNode r = JSON.readTree(got.body());
        assertTrue(r.has("reference") && r.get("reference").isNull(), r.toString());
        assertFalse(r.at("/probes/http_head/idle").has("clock"));
        assertEquals(2, r.at("/probes/http_head/idle/count").asLong());
        HttpResponse<String> page = s.get("/r/" + id);
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("Against the kernel"), page.body());
    }

    @Test
    void a_result_stored_under_the_first_schema_loads_after_the_reference_migration() throws Exception {
        TestServer first = server();
        String id = saved(first, payload("browser", 10, 12)).get("id").asText();
        first.close();
        String[] db = jdbc(results);
        // Back to the schema of V1 with this row in it: no reference column, Flyway at version 1.
        try (Connection c = DriverManager.getConnection(db[0], db[1], db[2]); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("ALTER TABLE results DROP COLUMN reference");
            assertEquals(1, st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '2'"));
            try (java.sql.ResultSet columns = c.getMetaData().getColumns(null, null, "results", "reference")) {
                assertFalse(columns.next(), "the column is gone");
            }
        }
        TestServer second = server();
        HttpResponse<String> got = second.get("/api/results/" + id);
        assertEquals(200, got.statusCode(), got.body());
        JsonNode r = JSON.readTree(got.body());
        assertTrue(r.get("reference").isNull(), r.toString());
        assertEquals(2, r.at("/probes/http_head/idle/count").asLong());
        assertEquals(200, second.get("/r/" + id).statusCode());
        JsonNode newer = saved(second, withReferenceAndClock(payload("browser", 10)));
        assertTrue(JSON.readTree(second.get("/api/results/" + newer.get("id").asText()).body()).get("reference").has("verdict"),
                "the migrated table keeps references again");
    }

    @Test
    void bad_reference_and_clock_fields_are_refused_with_a_reason_and_change_nothing() throws Exception {
        TestServer s = server();
        saved(s, withReferenceAndClock(payload("browser", 10)));
        Map<String, ObjectNode> bodies = new HashMap<>();
        ObjectNode source = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) source.get("reference")).put("source", "ntp");
        bodies.put("reference.source", source);
        ObjectNode reason = withReferenceAndClock(payload("browser", 10));
        reason.putObject("reference").put("source", "tcp_info").put("unavailable", "<img src=x onerror=alert(1)>");
        bodies.put("reference.unavailable", reason);
        ObjectNode unknown = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) unknown.get("reference")).put("verdict", "HEAD is perfect.");
        bodies.put("reference.verdict", unknown);
        ObjectNode oversized = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) oversized.at("/reference/http_head")).put("rttMs", 1e300);
        bodies.put("reference.http_head.rttMs", oversized);
        ObjectNode negative = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) negative.at("/reference/ws")).put("minRttMs", -1);
        bodies.put("reference.ws.minRttMs", negative);
        ObjectNode nan = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) nan.at("/reference/ws")).putNull("rttMs"); // what JSON.stringify makes of NaN
        bodies.put("rttMs", nan);
        ObjectNode text = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) text.at("/reference/ws/bias")).put("ws_echo", "0.3");
        bodies.put("reference.ws.bias.ws_echo", text);
        ObjectNode missingKind = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) missingKind.at("/reference/ws/bias")).put("ws_ping", 1.0);
        bodies.put("reference.ws.bias.ws_ping", missingKind);
        ObjectNode wrongConnection = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) wrongConnection.at("/reference/ws/bias")).put("http_head", 1.0);
        bodies.put("reference.ws.bias.", wrongConnection);
        ObjectNode figure = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) figure.at("/reference/http_head")).put("figure", "max");
        bodies.put("reference.http_head.figure", figure);
        ObjectNode fraction = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) fraction.at("/reference/http_head")).put("samples", 2.5);
        bodies.put("reference.http_head.samples", fraction);
        ObjectNode step = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) step.at("/probes/http_head/idle/clock")).put("step", 1e6);
        bodies.put("probes.http_head.idle.clock.step", step);
        ObjectNode bool = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) bool.at("/probes/ws_echo/idle/clock")).put("quantized", "yes");
        bodies.put("probes.ws_echo.idle.clock.quantized", bool);
        ObjectNode clockField = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) clockField.at("/probes/ws_echo/idle/clock")).put("tick", 0.1);
        bodies.put("probes.ws_echo.idle.clock.tick", clockField);
        ObjectNode unbounded = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) unbounded.at("/probes/ws_echo/idle/clock")).putNull("errorBound");
        bodies.put("probes.ws_echo.idle.clock.errorBound", unbounded);
        ObjectNode timing = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) timing.at("/probes/http_head/idle")).put("serverTiming", "maybe");
        bodies.put("probes.http_head.idle.serverTiming", timing);
        ObjectNode echoTiming = withReferenceAndClock(payload("browser", 10));
        ((ObjectNode) echoTiming.at("/probes/ws_echo/idle")).put("serverTiming", "subtracted");
        bodies.put("probes.ws_echo.idle.serverTiming", echoTiming);
        ObjectNode array = withReferenceAndClock(payload("browser", 10));
        array.putArray("reference").add(1);
        bodies.put("reference must be an object", array);
        for (Map.Entry<String, ObjectNode> b : bodies.entrySet()) {
            HttpResponse<String> r = save(s, b.getValue().toString());
            assertEquals(400, r.statusCode(), b.getKey() + ": " + r.body());
            JsonNode error = JSON.readTree(r.body());
            assertEquals("invalid", error.get("error").asText(), r.body());
            assertTrue(error.get("message").asText().contains(b.getKey()), b.getKey() + " named in " + r.body());
        }
        HttpResponse<String> literalNaN = save(s, withReferenceAndClock(payload("browser", 10)).toString().replace("9.75", "NaN"));
        assertEquals(400, literalNaN.statusCode(), literalNaN.body());
        assertEquals("malformed", JSON.readTree(literalNaN.body()).get("error").asText());
        assertEquals(1, storedCount(s), "only the valid save is stored");
    }

    @Test
    void only_allowed_origins_may_save_and_each_address_at_its_rate() throws Exception {
        TestServer s = onStorage(TestServer.testConfig().with("--results-rate", 2)
                .withAllowedOrigins(List.of("https://ok.example")));
        String body = payload("browser", 10).toString();
        HttpResponse<String> foreign = s.send(HttpRequest.newBuilder(s.uri("/api/results")).header("Content-Type", "application/json")
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals("origin_not_allowed", JSON.readTree(foreign.body()).get("error").asText());
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = s.send(HttpRequest.newBuilder(s.uri("/api/results")).header("Content-Type", "application/json")
                    .header("Origin", "https://ok.example").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertEquals(201, ok.statusCode(), ok.body());
            assertEquals("other", JSON.readTree(s.get("/api/results/" + JSON.readTree(ok.body()).get("id").asText()).body())
                    .get("site").asText(), "an allowed origin not listed in --sites");
        }
        HttpResponse<String> third = save(s, body);
        assertEquals(429, third.statusCode(), third.body());
        assertEquals("rate_limited", JSON.readTree(third.body()).get("error").asText());
        assertTrue(Integer.parseInt(third.headers().firstValue("Retry-After").orElse("0")) >= 1);
    }

    @Test
    void unknown_malformed_and_forged_ids_all_get_the_same_404() throws Exception {
        TestServer s = server();
        String real = saved(s, payload("browser", 10)).get("id").asText();
        String forged = real.substring(0, 21).equals("AAAAAAAAAAAAAAAAAAAAA") ? "BBBBBBBBBBBBBBBBBBBBBA" : "AAAAAAAAAAAAAAAAAAAAAA";
        List<String> ids = List.of(forged, "short", real + "x", real.substring(0, 21) + "B",
                URLEncoder.encode("' OR '1'='1", StandardCharsets.UTF_8), "%3Cscript%3E", "merged2");
        String first = null;
        for (String id : ids) {
            for (String path : List.of("/api/results/" + id, "/r/" + id, "/r/" + id + ".png")) {
                HttpResponse<String> r = s.get(path);
                assertEquals(404, r.statusCode(), path);
                if (first == null) {
                    first = r.body();
                }
                assertEquals(first, r.body(), path);
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").replaceAll(";.*", ""), path);
            }
        }
        assertEquals("{\"error\":\"not_found\"}", first);
        assertEquals(200, s.get("/api/results/" + real).statusCode(), "still there");
    }

    @Test
    void delete_needs_the_token_given_at_save() throws Exception {
        TestServer s = server();
        JsonNode ack = saved(s, payload("browser", 10));
        String id = ack.get("id").asText();
        HttpResponse<String> none = s.send(HttpRequest.newBuilder(s.uri("/api/results/" + id)).DELETE());
        assertEquals(403, none.statusCode(), none.body());
        HttpResponse<String> wrong = s.send(HttpRequest.newBuilder(s.uri("/api/results/" + id))
                .header("X-Delete-Token", ack.get("deleteToken").asText() + "x").DELETE());
        assertEquals(403, wrong.statusCode(), wrong.body());
        assertEquals(200, s.get("/api/results/" + id).statusCode(), "nothing deleted");
        HttpResponse<String> right = s.send(HttpRequest.newBuilder(s.uri("/api/results/" + id))
                .header("X-Delete-Token", ack.get("deleteToken").asText()).DELETE());
        assertEquals(204, right.statusCode(), right.body());
        assertEquals(404, s.get("/api/results/" + id).statusCode());
        assertEquals(404, s.send(HttpRequest.newBuilder(s.uri("/api/results/" + id))
                .header("X-Delete-Token", ack.get("deleteToken").asText()).DELETE()).statusCode(), "unknown now");
    }

    // ---- operators -----------------------------------------------------------------------------------

    @Test
    void operators_list_page_by_cursor_export_csv_and_merge_exactly_only_with_the_token() throws Exception {
        TestServer s = server();
        List<String> ids = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double[] samples = {10 + i, 20 + i * 3.5, 30.25 + i};
            all.add(samples);
            ids.add(0, saved(s, payload(i % 2 == 0 ? "browser" : "synthetic", samples)).get("id").asText());
            Thread.sleep(3); // distinct times: newest first is then the reverse order of saving
        }
        for (String path : List.of("/api/results", "/api/results/merged")) {
            HttpResponse<String> anonymous = s.get(path);
            assertEquals(404, anonymous.statusCode());
            assertEquals("{\"error\":\"not_found\"}", anonymous.body());
            HttpResponse<String> wrong = s.send(HttpRequest.newBuilder(s.uri(path)).header("Authorization", "Bearer nope").GET());
            assertEquals(404, wrong.statusCode());
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = admin(s, "/api/results?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), "application/json");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            page.get("results").forEach(x -> listed.add(x.get("id").asText()));
            assertFalse(page.get("results").get(0).at("/probes/http_head/idle").has("histogram"), "the list is light");
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(ids, listed, "newest first, each once");
        JsonNode first = JSON.readTree(admin(s, "/api/results?limit=1", "application/json").body()).get("results").get(0);
        assertTrue(first.get("client_address").asText().endsWith(".0/24"), first.toString());
        assertEquals(2, JSON.readTree(admin(s, "/api/results?site=none", "application/json").body()).get("results").size(),
                "the synthetic ones");
        assertEquals(0, JSON.readTree(admin(s, "/api/results?site=" + URLEncoder.encode("x' OR 1=1 --", StandardCharsets.UTF_8),
                "application/json").body()).get("results").size());
        assertEquals(400, admin(s, "/api/results?limit=0", "application/json").statusCode());
        assertEquals(400, admin(s, "/api/results?cursor=bogus", "application/json").statusCode());
        assertEquals(0, JSON.readTree(admin(s, "/api/results?from=" + Instant.now().plusSeconds(60), "application/json").body())
                .get("results").size());

        HttpResponse<String> csv = admin(s, "/api/results", "text/csv");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertEquals(ResultsAdmin.CSV_HEADER, lines.get(0));
        assertEquals(1 + 5 * 2, lines.size(), "one row per result and kind");
        assertTrue(lines.get(1).startsWith(ids.get(0) + ","), lines.get(1));

        Histogram expected = RttRecorders.newHistogram();
        all.forEach(samples -> expected.add(histogramOf(samples)));
        JsonNode merged = JSON.readTree(admin(s, "/api/results/merged", "application/json").body());
        assertEquals(5, merged.get("results").asLong());
        JsonNode headIdle = null;
        for (JsonNode series : merged.get("series")) {
            if (series.get("kind").asText().equals("http_head") && series.get("condition").asText().equals("idle")) {
                headIdle = series;
            }
        }
        assertNotNull(headIdle, merged.toString());
        assertEquals(10, headIdle.get("lost").asLong());
        assertEquals(15, headIdle.get("total").get("count").asLong());
        assertEquals(expected.getValueAtPercentile(90) / 1000.0, headIdle.get("total").get("p90_ms").asDouble());
        assertEquals(expected, HistogramCodec.decode(headIdle.get("total").get("histogram").asText()), "exact merge");
    }

    @Test
    void the_admin_port_serves_the_operators_endpoints_only_with_the_token() throws Exception {
        TestServer s = server(withAdminPort());
        String id = saved(s, payload("browser", 10)).get("id").asText();
        for (String path : List.of("/api/results", "/api/results/merged")) {
            assertEquals(404, onAdminPort(s, path, null).statusCode(), path + " without a token");
            assertEquals(404, onAdminPort(s, path, "Bearer wrong-" + ADMIN_TOKEN).statusCode(), path + " with a wrong token");
            assertEquals(200, onAdminPort(s, path, "Bearer " + ADMIN_TOKEN).statusCode(), path + " with the token");
        }
        HttpResponse<String> list = onAdminPort(s, "/api/results", "Bearer " + ADMIN_TOKEN);
        assertEquals(id, JSON.readTree(list.body()).get("results").get(0).get("id").asText());
        assertEquals(404, s.get("/api/results").statusCode(), "the main port wants the token too");
        assertEquals(200, onAdminPort(s, "/metrics", null).statusCode(), "/metrics needs no token");
    }

    @Test
    void without_an_admin_token_no_port_serves_the_operators_endpoints() throws Exception {
        TestServer s = onStorage(withAdminPort().with("--results-rate", 1_000_000));
        saved(s, payload("browser", 10));
        for (String path : List.of("/api/results", "/api/results/merged")) {
            assertEquals(404, onAdminPort(s, path, null).statusCode(), path + " on the admin port");
            assertEquals(404, onAdminPort(s, path, "Bearer " + ADMIN_TOKEN).statusCode(), path + " on the admin port, any token");
            assertEquals(404, s.get(path).statusCode(), path + " on the main port");
        }
    }

    private static TestConfig withAdminPort() throws Exception {
        int adminPort;
        try (ServerSocket free = new ServerSocket(0)) {
            adminPort = free.getLocalPort();
        }
        return TestServer.testConfig().with("--admin-port", adminPort);
    }

    private static HttpResponse<String> onAdminPort(TestServer s, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server.adminPort() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return s.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the share page and its card -----------------------------------------------------------------

    @Test
    void the_share_page_previews_with_the_medians_and_loads_share_js() throws Exception {
        TestServer s = server();
        String id = saved(s, payload("browser", 12.4, 12.4, 12.4)).get("id").asText();
        HttpResponse<String> page = s.get("/r/" + id);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("<meta property=\"og:title\" content=\"pingscope: HTTP HEAD 12.4 ms · WebSocket echo 10.9 ms\">"), html);
        assertTrue(html.contains("<meta property=\"og:image\" content=\"" + s.uri("/r/" + id + ".png") + "\">"), html);
        assertTrue(html.contains("<script type=\"module\" src=\"/share.js\"></script>"), html);
        assertTrue(html.contains("<div id=\"result\" data-id=\"" + id + "\">"), html);
        assertTrue(html.contains("<td>12.4 ms</td>"), "the fallback table: " + html);
    }

    @Test
    void the_card_is_a_1200_by_630_png_with_the_medians_drawn() throws Exception {
        TestServer s = server();
        String fast = saved(s, payload("browser", 12.4, 12.4)).get("id").asText();
        String slow = saved(s, payload("browser", 987, 987)).get("id").asText();
        BufferedImage a = card(s, fast);
        BufferedImage b = card(s, slow);
        assertEquals(1200, a.getWidth());
        assertEquals(630, a.getHeight());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < a.getHeight(); y += 3) {
            for (int x = 0; x < a.getWidth(); x += 3) {
                colors.add(a.getRGB(x, y));
            }
        }
        assertTrue(colors.size() > 20, "not blank: " + colors.size() + " colours");
        // The medians are drawn right-aligned on each kind's row: there the two cards differ, and only text is drawn there.
        assertTrue(differs(a, b, 700, 180, 1200, 300), "the median of the first row is drawn");
        assertFalse(differs(a, b, 0, 0, 1200, 120), "the title is the same");
    }

    @Test
    @ResourceLock(TestResources.RESULT_CARDS)
    void a_burst_of_a_thousand_card_requests_for_one_id_costs_about_one_drawing() throws Exception {
        TestServer s = server();
        JsonNode saved = saved(s, payload("browser", 12.4, 15));
        String id = saved.get("id").asText();
        long drawnBefore = ResultCard.DRAWINGS.get();
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                answers.add(clients.submit(() -> s.http.send(HttpRequest.newBuilder(s.uri("/r/" + id + ".png")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray())));
            }
            byte[] first = null;
            for (Future<HttpResponse<byte[]>> answer : answers) {
                HttpResponse<byte[]> r = answer.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                first = first == null ? r.body() : first;
                assertTrue(java.util.Arrays.equals(first, r.body()), "every answer is the same PNG");
            }
        } finally {
            clients.shutdownNow();
        }
        long drawn = ResultCard.DRAWINGS.get() - drawnBefore;
        assertTrue(drawn <= 2, "1,000 card requests drew the card " + drawn + " times");

        HttpResponse<String> deleted = s.send(HttpRequest.newBuilder(s.uri("/api/results/" + id))
                .header("X-Delete-Token", saved.get("deleteToken").asText()).DELETE());
        assertEquals(204, deleted.statusCode());
        assertEquals(404, s.get("/r/" + id + ".png").statusCode(), "a deleted result's card is gone");
    }

    private static BufferedImage card(TestServer s, String id) throws Exception {
        HttpResponse<byte[]> r = s.http.send(HttpRequest.newBuilder(s.uri("/r/" + id + ".png")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(image, "a PNG ImageIO reads");
        return image;
    }

    private static boolean differs(BufferedImage a, BufferedImage b, int x0, int y0, int x1, int y1) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- retention -----------------------------------------------------------------------------------

    @Test
    void the_purge_deletes_results_older_than_the_retention() throws Exception {
        TestServer s = server();
        String old = saved(s, payload("browser", 10)).get("id").asText();
        String recent = saved(s, payload("browser", 10)).get("id").asText();
        String[] db = jdbc(results);
        try (Connection c = DriverManager.getConnection(db[0], db[1], db[2]);
                PreparedStatement st = c.prepareStatement("UPDATE results SET created_at = ? WHERE id = ?")) {
            st.setLong(1, Instant.now().minus(Duration.ofDays(90)).minusSeconds(60).toEpochMilli());
            st.setString(2, old);
            assertEquals(1, st.executeUpdate());
        }
        assertEquals(1, s.server.results().orElseThrow().purgeNow());
        assertEquals(404, s.get("/api/results/" + old).statusCode());
        assertEquals(200, s.get("/api/results/" + recent).statusCode());
        assertEquals(0, s.server.results().orElseThrow().purgeNow());
    }

    // ---- many at once, and a crash -------------------------------------------------------------------

    @Test
    void fifty_clients_saving_a_hundred_each_lose_and_double_nothing() throws Exception {
        TestServer s = server();
        int clients = 50;
        int each = 100;
        Map<String, Double> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        double value = 1 + client * 100 + i; // unique per save: 1 .. 5000 ms
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.uri("/api/results"))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(payload("synthetic", value).toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(201, r.statusCode(), r.body());
                        acknowledged.put(JSON.readTree(r.body()).get("id").asText(), value);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(150, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(clients * each, acknowledged.size(), "every save acknowledged with an id of its own");
        Map<String, Double> read = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(admin(s, "/api/results?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor),
                    "application/json").body());
            for (JsonNode r : page.get("results")) {
                assertEquals(null, read.put(r.get("id").asText(), r.at("/probes/http_head/idle/p50").asDouble()), "listed once");
            }
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertEquals(acknowledged.keySet(), read.keySet(), "none lost, none extra");
        for (Map.Entry<String, Double> e : acknowledged.entrySet()) {
            Histogram h = histogramOf(e.getValue());
            assertEquals(h.getValueAtPercentile(50) / 1000.0, read.get(e.getKey()), e.getKey());
        }
    }


    @Test
    void every_save_acknowledged_before_a_kill_9_is_there_after_restart() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI saveUri = URI.create("http://127.0.0.1:" + port + "/api/results");
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        Process first = child(port);
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService savers = Executors.newFixedThreadPool(4);
        List<Future<?>> saving = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                saving.add(savers.submit(() -> {
                    while (!killed.get()) {
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(saveUri).header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(payload("synthetic", 5).toString())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acknowledged.add(JSON.readTree(r.body()).get("id").asText());
                            }
                        } catch (Exception e) {
                            return null; // the server is gone
                        }
                    }
                    return null;
                }));
            }
            TestServer.await("saves acknowledged", Duration.ofSeconds(60), () -> acknowledged.size() >= 200);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            killed.set(true);
        } finally {
            savers.shutdown();
            assertTrue(savers.awaitTermination(20, TimeUnit.SECONDS));
            assertEquals(4, saving.stream().filter(Future::isDone).count());
            first.destroyForcibly();
        }
        List<String> before = List.copyOf(acknowledged);
        Process second = child(port);
        try {
            for (String id : before) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/results/" + id))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), id + " was acknowledged before the kill (" + before.size() + " in all)");
            }
        } finally {
            second.destroy();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process child(int port) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.pingscope.cli.Main", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--results-rate", "1000000"));
        command.addAll(storage());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("Open ")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (lines.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new AssertionError("the server did not start:\n" + seen);
    }
}
