package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import dev.pingscope.ping.PingHandler;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PingEndpointTest {
    private static final Pattern SERVER_TIMING = Pattern.compile("app;dur=(\\d+\\.\\d{3})");
    static TestServer anyOrigin;
    static TestServer listedOrigin;

    @BeforeAll
    static void start() {
        anyOrigin = TestServer.start();
        listedOrigin = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of("https://shop.example")));
    }

    @AfterAll
    static void stop() {
        anyOrigin.close();
        listedOrigin.close();
    }

    @Test
    void head_ping_returns_204_with_the_probe_headers() throws Exception {
        HttpResponse<String> r = anyOrigin.send(HttpRequest.newBuilder(anyOrigin.uri("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example"));
        assertEquals(204, r.statusCode());
        assertEquals("", r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(anyOrigin.server.config().http().instance(), r.headers().firstValue("X-Pingscope-Instance").orElseThrow());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("*", r.headers().firstValue("Timing-Allow-Origin").orElseThrow());
        String exposed = r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow();
        assertTrue(exposed.contains("Server-Timing") && exposed.contains("X-Pingscope-Instance"), exposed);
        Matcher timing = SERVER_TIMING.matcher(r.headers().firstValue("Server-Timing").orElseThrow());
        assertTrue(timing.matches(), "Server-Timing: " + r.headers().firstValue("Server-Timing"));
        assertTrue(Double.parseDouble(timing.group(1)) < 1_000, "server time is a plausible duration in ms");
    }

    @Test
    void get_ping_is_identical_to_head() throws Exception {
        HttpResponse<String> get = anyOrigin.get("/ping");
        HttpResponse<String> head = anyOrigin.send(HttpRequest.newBuilder(anyOrigin.uri("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, get.statusCode());
        assertEquals("", get.body());
        for (String name : List.of("Cache-Control", "X-Pingscope-Instance", "Access-Control-Allow-Origin",
                "Timing-Allow-Origin", "Access-Control-Expose-Headers")) {
            assertEquals(head.headers().allValues(name), get.headers().allValues(name), name);
        }
        assertTrue(get.headers().firstValue("Server-Timing").isPresent());
    }

    @Test
    void ping_answers_carry_no_body_bytes_on_a_kept_alive_connection() throws Exception {
        // Two requests back to back on one socket: if either answer carried a body, the second status
        // line would not start where the first answer's headers end.
        try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), anyOrigin.server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\nHEAD /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] answers = all.split("\r\n\r\n", -1);
            assertEquals(3, answers.length, "two header blocks and nothing after them: " + all);
            assertTrue(answers[0].startsWith("HTTP/1.1 204"), answers[0]);
            assertTrue(answers[1].startsWith("HTTP/1.1 204"), answers[1]);
            assertEquals("", answers[2]);
            assertFalse(answers[0].toLowerCase(java.util.Locale.ROOT).contains("content-length: ") && !answers[0].contains("Content-Length: 0"));
        }
    }

    @Test
    void other_methods_on_ping_get_405() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            HttpResponse<String> r = anyOrigin.send(HttpRequest.newBuilder(anyOrigin.uri("/ping"))
                    .method(method, HttpRequest.BodyPublishers.noBody()));
            assertEquals(405, r.statusCode(), method);
            assertEquals("GET, HEAD, OPTIONS", r.headers().firstValue("Allow").orElseThrow(), method);
        }
    }

    @Test
    void a_cors_preflight_on_ping_is_answered() throws Exception {
        HttpResponse<String> r = anyOrigin.send(HttpRequest.newBuilder(anyOrigin.uri("/ping"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example")
                .header("Access-Control-Request-Method", "HEAD"));
        assertEquals(204, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void a_listed_origin_gets_its_own_cors_and_timing_headers_and_others_get_none() throws Exception {
        HttpResponse<String> listed = listedOrigin.send(HttpRequest.newBuilder(listedOrigin.uri("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://shop.example"));
        assertEquals("https://shop.example", listed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("https://shop.example", listed.headers().firstValue("Timing-Allow-Origin").orElseThrow());
        assertEquals("Origin", listed.headers().firstValue("Vary").orElseThrow());

        HttpResponse<String> other = listedOrigin.send(HttpRequest.newBuilder(listedOrigin.uri("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example"));
        assertEquals(204, other.statusCode(), "the probe itself still answers");
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        assertTrue(other.headers().firstValue("Timing-Allow-Origin").isEmpty());
    }

    @Test
    void server_timing_is_written_in_milliseconds_with_three_decimals() {
        assertEquals("app;dur=0.000", PingHandler.serverTiming(999));
        assertEquals("app;dur=0.001", PingHandler.serverTiming(1_000));
        assertEquals("app;dur=0.042", PingHandler.serverTiming(42_000));
        assertEquals("app;dur=1.230", PingHandler.serverTiming(1_230_000));
        assertEquals("app;dur=12345.678", PingHandler.serverTiming(12_345_678_000L));
    }
}
