package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleIntakeTest {
    TestServer ts;

    @BeforeEach
    void start() {
        ts = TestServer.start(TestServer.testConfig()
                .withAllowedOrigins(List.of("https://shop.example")));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    @Test
    void a_json_batch_is_recorded_as_browser_samples_and_appears_in_stats() throws Exception {
        HttpResponse<String> r = ts.post("/api/samples", "application/json",
                "{\"samples\":{\"http_head\":[10.0,20.0,30.0],\"ws_echo\":[1.5]}}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(4, TestServer.JSON.readTree(r.body()).get("accepted").asInt());
        JsonNode stats = ts.endInterval();
        JsonNode head = TestServer.series(stats, "http_head", "browser", "total");
        assertEquals(3, head.get("count").asLong());
        assertEquals(20.0, head.get("p50_ms").asDouble(), 0.02);
        assertEquals(10.0, head.get("min_ms").asDouble(), 0.01);
        assertEquals(30.0, head.get("max_ms").asDouble(), 0.03);
        assertEquals(1, TestServer.totalCount(stats, "ws_echo", "browser"));
        assertEquals(3.0, ts.metric("pingscope_samples_accepted_total{kind=\"http_head\",region=\"default\",source=\"browser\"}"));
    }

    @Test
    void a_batch_measured_under_load_is_recorded_under_its_condition_and_no_other() throws Exception {
        HttpResponse<String> r = ts.post("/api/samples", "application/json",
                "{\"load\":\"download\",\"samples\":{\"http_head\":[180.0,200.0],\"ws_echo\":[190.0]}}");
        assertEquals(200, r.statusCode(), r.body());
        ts.post("/api/samples", "application/json", "{\"load\":\"idle\",\"samples\":{\"http_head\":[10.0]}}");
        JsonNode stats = ts.endInterval();
        JsonNode loaded = TestServer.series(stats, "http_head", "browser", "download", "total");
        assertEquals(2, loaded.get("count").asLong());
        assertEquals(200.0, loaded.get("max_ms").asDouble(), 0.2);
        assertEquals(1, TestServer.series(stats, "ws_echo", "browser", "download", "total").get("count").asLong());
        assertEquals(1, TestServer.totalCount(stats, "http_head", "browser"), "idle holds only the idle sample");
        assertEquals(0, TestServer.series(stats, "http_head", "browser", "upload", "total").get("count").asLong());
        assertEquals(2.0, ts.metric("pingscope_rtt_seconds_count{kind=\"http_head\",load=\"download\",region=\"default\",site=\"direct\",source=\"browser\"}"));
    }

    @Test
    void a_text_plain_batch_as_sendBeacon_sends_it_is_recorded_too() throws Exception {
        HttpResponse<String> r = ts.post("/api/samples", "text/plain;charset=UTF-8",
                "{\"samples\":{\"ws_echo\":[2.25,2.5]}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode echo = TestServer.series(ts.endInterval(), "ws_echo", "browser", "total");
        assertEquals(2, echo.get("count").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | {samples:                                          | 400 | malformed
            not an object             | [1,2,3]                                            | 400 | malformed
            samples missing           | {"other":{}}                                       | 400 | malformed
            samples not an object     | {"samples":[1]}                                    | 400 | malformed
            values not an array       | {"samples":{"http_head":5}}                        | 400 | malformed
            a value not a number      | {"samples":{"http_head":[5,"6"]}}                  | 400 | malformed
            deeply nested             | {"samples":{"http_head":[[[[[[[[[[1]]]]]]]]]]}}    | 400 | malformed
            no samples                | {"samples":{"http_head":[]}}                       | 400 | empty
            unknown kind              | {"samples":{"icmp":[5]}}                           | 400 | unknown_kind
            ws_ping is server-timed   | {"samples":{"ws_ping":[5]}}                        | 400 | unknown_kind
            zero                      | {"samples":{"http_head":[5,0]}}                    | 400 | out_of_range
            negative                  | {"samples":{"http_head":[-1]}}                     | 400 | out_of_range
            above 60 s                | {"samples":{"ws_echo":[60000.5]}}                  | 400 | out_of_range
            infinite by overflow      | {"samples":{"ws_echo":[1e999]}}                    | 400 | out_of_range
            claims to be the server   | {"source":"server","samples":{"ws_echo":[1]}}      | 400 | unknown_source
            unknown source            | {"source":7,"samples":{"ws_echo":[1]}}             | 400 | unknown_source
            unknown load              | {"load":"heavy","samples":{"ws_echo":[1]}}         | 400 | unknown_load
            load not a string         | {"load":1,"samples":{"ws_echo":[1]}}               | 400 | unknown_load
            """)
    void an_invalid_batch_is_rejected_whole_and_changes_no_count(String name, String body, int status, String reason)
            throws Exception {
        HttpResponse<String> r = ts.post("/api/samples", "application/json", body);
        assertRejected(r, status, reason);
    }

    @Test
    void a_batch_that_says_synthetic_is_recorded_as_synthetic() throws Exception {
        HttpResponse<String> r = ts.post("/api/samples", "application/json",
                "{\"source\":\"synthetic\",\"samples\":{\"http_head\":[3.0]}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode stats = ts.endInterval();
        assertEquals(1, TestServer.totalCount(stats, "http_head", "synthetic"));
        assertEquals(0, TestServer.totalCount(stats, "http_head", "browser"));
    }

    @Test
    void a_batch_above_the_sample_limit_is_rejected() throws Exception {
        String values = "1.0,".repeat(ts.server.config().intake().maxBatchSamples()) + "1.0";
        assertRejected(ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[" + values + "]}}"),
                400, "too_many_samples");
    }

    @Test
    void a_body_above_the_size_limit_gets_413() throws Exception {
        String padding = " ".repeat(ts.server.config().intake().maxBodyBytes());
        assertRejected(ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[1.0]}}" + padding),
                413, "body_too_large");
    }

    @Test
    void another_content_type_gets_415() throws Exception {
        assertRejected(ts.post("/api/samples", "application/x-www-form-urlencoded", "samples=1"),
                415, "unsupported_media_type");
    }

    @Test
    void an_allowed_origin_configured_with_capitals_matches_what_browsers_send() throws Exception {
        try (TestServer mixedCase = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of("https://Shop.Example")))) {
            HttpResponse<String> r = mixedCase.send(HttpRequest.newBuilder(mixedCase.uri("/api/samples"))
                    .header("Content-Type", "text/plain").header("Origin", "https://shop.example")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[1.0]}}")));
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    @Test
    void a_page_on_an_origin_not_allowed_cannot_report() throws Exception {
        HttpResponse<String> r = ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "text/plain").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[1.0]}}")));
        assertRejected(r, 403, "origin_not_allowed");
    }

    @Test
    void the_servers_own_page_may_report_though_its_origin_is_not_listed() throws Exception {
        HttpResponse<String> otherPort = ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "text/plain").header("Origin", "http://127.0.0.1:1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"ws_echo\":[1.5]}}")));
        assertRejected(otherPort, 403, "origin_not_allowed");
        // The JDK client sends Host as 127.0.0.1:<port>; a browser on the server's own page sends this Origin.
        String ownOrigin = "http://127.0.0.1:" + ts.server.port();
        HttpResponse<String> r = ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "text/plain").header("Origin", ownOrigin)
                .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"ws_echo\":[1.5]}}")));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void an_allowed_origin_gets_cors_headers_and_a_preflight_answer() throws Exception {
        HttpResponse<String> preflight = ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertEquals(204, preflight.statusCode());
        assertEquals("https://shop.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Content-Type"));

        HttpResponse<String> post = ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "application/json").header("Origin", "https://shop.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[1.0]}}")));
        assertEquals(200, post.statusCode());
        assertEquals("https://shop.example", post.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    private void assertRejected(HttpResponse<String> r, int status, String reason) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = TestServer.JSON.readTree(r.body());
        assertEquals(reason, error.get("error").asText(), r.body());
        assertTrue(error.get("message").asText().length() > 5, "the message names the problem: " + r.body());
        JsonNode stats = ts.endInterval();
        for (JsonNode s : stats.get("series")) {
            assertEquals(0, s.get("total").get("count").asLong(), "nothing recorded: " + s);
        }
        assertEquals(0.0, ts.metric("pingscope_samples_accepted_total{kind=\"http_head\",region=\"default\",source=\"browser\"}"));
        assertEquals(0.0, ts.metric("pingscope_samples_accepted_total{kind=\"ws_echo\",region=\"default\",source=\"browser\"}"));
        assertEquals(1.0, ts.metric("pingscope_intake_rejected_total{reason=\"" + reason + "\"}"));
    }
}
