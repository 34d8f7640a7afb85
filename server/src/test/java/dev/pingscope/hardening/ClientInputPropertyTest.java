package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.properties.Documents;
import dev.pingscope.properties.Inputs;
import dev.pingscope.properties.OneLine;
import dev.pingscope.properties.Property;
import dev.pingscope.properties.Shrink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Through the real server, on raw sockets (so that any bytes can be sent): odd query strings and path
 * segments on every endpoint, mutated bodies on both POST endpoints and mutated text on /ws. Every answer
 * comes within the deadline with a documented status, never a 5xx, and JSON errors carry a one-line reason;
 * afterwards the server still answers a probe and a good batch.
 */
@ResourceLock(TestResources.RESULT_CARDS)
class ClientInputPropertyTest {
    private static final String TOKEN = "property-admin-token";
    private static final Set<String> INTAKE_REASONS = Set.of("malformed", "empty", "unknown_kind", "unknown_source",
            "unknown_load", "out_of_range", "too_many_samples", "body_too_large");

    @TempDir
    static Path dataDir;

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = TestServer.start(TestServer.testConfig().unlimited().with("--load-max-bytes", 1 << 20)
                .withDataDir(dataDir).with("--results-rate", 1_000_000).with("--results-client-address", "truncated")
                .with("--admin-token", TOKEN));
    }

    /** One bad client never hurts another: after every property, a probe and a good batch are still served. */
    @AfterAll
    static void the_server_still_serves_a_probe_and_a_good_batch_then_stops() throws Exception {
        try {
            assertEquals(204, get("/ping").status(), "a probe after the run");
            Answer good = post("/api/samples", "{\"samples\": {\"http_head\": [12.5]}}".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, good.status(), "a good batch after the run: " + good.body());
        } finally {
            ts.close();
        }
    }

    /** One answer read to its end: the status and the body (chunked bodies are left as they came). */
    record Answer(int status, String head, String body) {}

    /** Sends raw bytes as one HTTP/1.1 request with Connection: close and reads the whole answer, within 10 s. */
    static Answer exchange(byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ts.server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
                String sofar = all.toString(StandardCharsets.ISO_8859_1);
                if (sofar.startsWith("HTTP/1.1 101") && sofar.contains("\r\n\r\n")) {
                    break; // upgraded: the WebSocket stays open, the answer is its head
                }
                if (all.size() > 8 << 20) {
                    throw new IOException("answer larger than 8 MiB");
                }
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 "), "an HTTP answer: " + Property.describe(text.substring(0, Math.min(80, text.length()))));
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : new String(all.toByteArray(), split + 4, all.size() - split - 4, StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(text.substring(9, 12)), head, body);
        }
    }

    static Answer get(String target, String... headers) throws IOException {
        StringBuilder r = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + ts.server.port() + "\r\nConnection: close\r\n");
        for (String h : headers) {
            r.append(h).append("\r\n");
        }
        return exchange(r.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    static Answer post(String path, byte[] body) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + ts.server.port() + "\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return exchange(all);
    }

    /** A documented status, and where the body is a JSON error, a one-line reason in it. */
    static void assertAnswered(Answer a, Set<Integer> documented) throws IOException {
        assertTrue(documented.contains(a.status()), "status " + a.status() + " is one of " + documented + ": " + a.head() + "\n" + a.body());
        if (a.status() >= 400 && a.head().toLowerCase(java.util.Locale.ROOT).contains("application/json") && !a.body().isEmpty()) {
            JsonNode error = TestServer.JSON.readTree(a.body());
            assertTrue(error.hasNonNull("error"), "a JSON error names its reason: " + a.body());
            if (error.has("message")) {
                OneLine.assertOneLine(error.get("message").asText());
            }
        }
    }

    /** A query value: a good one, a near miss, empty, noise; sometimes percent-encoded, odd escapes, raw bytes. */
    static String value(Random r, List<String> good) {
        String v = switch (r.nextInt(5)) {
            case 0, 1 -> Inputs.pick(r, good);
            case 2 -> Inputs.pick(r, good) + Inputs.pick(r, List.of("0", "x", ".5", "%00", "%", "+", " ", "e3"));
            case 3 -> "";
            default -> Inputs.text(r, 12);
        };
        StringBuilder out = new StringBuilder();
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean plain = c > 0x20 && c < 0x7F && "#%&+= ".indexOf(c) < 0;
            out.append(plain && r.nextInt(8) > 0 ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        if (r.nextInt(6) == 0) {
            out.insert(r.nextInt(out.length() + 1), Inputs.pick(r, List.of("%zz", "%", "%2", "%FF", "%C0%80", "%ED%A0%80", "+", "%2B", "&")));
        }
        return out.toString();
    }

    /** A query: the parameter (once, twice, empty, without =) among others, in any order. */
    static String query(Random r, String name, List<String> good) {
        List<String> parts = new ArrayList<>();
        int n = Inputs.between(r, 0, 3);
        for (int i = 0; i < n; i++) {
            parts.add(switch (r.nextInt(4)) {
                case 0 -> name + "=" + value(r, good);
                case 1 -> name;
                case 2 -> Inputs.pick(r, List.of("x", "a%20b", "", "=", "==", name.toUpperCase(java.util.Locale.ROOT))) + "=" + value(r, good);
                default -> name + "=" + value(r, good);
            });
        }
        return "?" + String.join(r.nextInt(10) == 0 ? "&&" : "&", parts);
    }

    @Test
    void odd_queries_on_every_endpoint_get_their_documented_answers() {
        int[] cases = {0};
        record Endpoint(String path, String param, List<String> good, Set<Integer> statuses) {}
        List<Endpoint> endpoints = List.of(
                new Endpoint("/load/download", "bytes", List.of("0", "1", "65536", "1048576", "1048577", "99999999999999999999"), Set.of(200, 400)),
                new Endpoint("/api/pauses", "seconds", List.of("1", "30", "3600", "3601", "0", "-1", "1.5"), Set.of(200, 400)),
                new Endpoint("/api/results", "limit", List.of("1", "1000", "0", "1001"), Set.of(200, 400)),
                new Endpoint("/api/results", "from", List.of("2026-11-29", "2026-11-29T12:00:00Z", "+999999999-12-31T23:59:59Z"), Set.of(200, 400)),
                new Endpoint("/api/results", "cursor", List.of("AAAA", "MTp4", "Og"), Set.of(200, 400)),
                new Endpoint("/api/stats", "x", List.of("1"), Set.of(200, 400)),
                new Endpoint("/ping", "t", List.of("1"), Set.of(200, 204, 400)));
        for (Endpoint e : endpoints) {
            cases[0] += Property.of("query of " + e.path() + " (" + e.param() + ")", 150, r -> query(r, e.param(), e.good()), Shrink::text)
                    // A shrunk query keeps its "?", so that it still asks the same path.
                    .check(q -> assertAnswered(get(e.path() + (q.startsWith("?") ? q : "?" + q), "Authorization: Bearer " + TOKEN),
                            e.statuses()));
        }
        cases[0] += Property.of("query of /ws (load)", 200, r -> query(r, "load", List.of("idle", "download", "upload", "both", "Idle")), Shrink::text)
                .check(q -> assertAnswered(get("/ws" + (q.startsWith("?") ? q : "?" + q), "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), Set.of(101, 400)));
        cases[0] += Property.of("result id in /api/results/{id}, /r/{id}, /r/{id}.png", 300,
                r -> Inputs.pick(r, List.of("/api/results/", "/r/")) + value(r, List.of("AAAAAAAAAAAAAAAAAAAAAA", "x", "..", "merged"))
                        + (r.nextBoolean() ? ".png" : ""), Shrink::text)
                .check(path -> assertAnswered(get(path), Set.of(400, 404)));
        System.out.printf("queries and paths: %d cases through the server%n", cases[0]);
    }

    @Test
    void mutated_bodies_get_their_documented_answers() {
        Property.of("POST /api/samples through the server", 300,
                r -> Inputs.document(r, Documents::batch), Shrink::bytes).check(body -> {
                    Answer a = post("/api/samples", body);
                    assertAnswered(a, Set.of(200, 400, 413));
                    if (a.status() != 200) {
                        assertTrue(INTAKE_REASONS.contains(TestServer.JSON.readTree(a.body()).get("error").asText()), a.body());
                    }
                });
        Property.of("POST /api/results through the server", 300,
                r -> Inputs.document(r, Documents::save), Shrink::bytes).check(body -> {
                    Answer a = post("/api/results", body);
                    assertAnswered(a, Set.of(201, 400, 413));
                    if (a.status() == 400) {
                        assertTrue(Set.of("malformed", "invalid").contains(TestServer.JSON.readTree(a.body()).get("error").asText()), a.body());
                    }
                });
    }

    @Test
    void websocket_text_is_echoed_when_valid_and_closed_with_1007_or_1009_when_not() throws Exception {
        int max = ts.server.config().webSocket().maxMessageBytes();
        try (RawWebSocket echo = RawWebSocket.connect(ts.server.port())) {
            assertEquals(101, echo.status());
            Property.of("/ws: valid UTF-8 text is echoed unchanged", 300, r -> {
                        String t = Inputs.text(r, 80).replaceAll("[\\uD800-\\uDFFF]", "x");
                        return t.startsWith("{\"type\":") ? "e" + t : t;
                    }, Shrink::text)
                    .check(text -> {
                        echo.sendText(text);
                        assertEquals(text, echo.nextEcho(), "the echo is the text sent");
                    });
        }
        Property.of("/ws: invalid UTF-8 or too big closes with 1007 or 1009", 100, r -> {
                    byte[] text = Inputs.text(r, 40).replaceAll("[\\uD800-\\uDFFF]", "x").getBytes(StandardCharsets.UTF_8);
                    if (r.nextInt(4) == 0) {
                        return "x".repeat(max + 1 + r.nextInt(100)).getBytes(StandardCharsets.US_ASCII);
                    }
                    byte[] bad = Inputs.invalidUtf8(r);
                    int at = r.nextInt(text.length + 1);
                    byte[] out = new byte[text.length + bad.length];
                    System.arraycopy(text, 0, out, 0, at);
                    System.arraycopy(bad, 0, out, at, bad.length);
                    System.arraycopy(text, at, out, at + bad.length, text.length - at);
                    return out;
                }, Shrink::bytes)
                .check(payload -> {
                    try (RawWebSocket ws = RawWebSocket.connect(ts.server.port())) {
                        ws.send(0x1, true, true, payload);
                        assertEquals(payload.length > max ? 1009 : 1007, ws.awaitClose(), "the close code");
                    }
                });
    }
}
