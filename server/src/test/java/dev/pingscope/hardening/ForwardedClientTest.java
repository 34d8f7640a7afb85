package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestConfig;
import dev.pingscope.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server behind a trusted proxy on 127.0.0.1 that appends its own X-Forwarded-For line after the
 * client's (HAProxy's {@code option forwardfor}): every per-address rule follows the proxy's line, never
 * the line the client wrote; and X-Forwarded-Proto/-Host are believed from that proxy only.
 */
class ForwardedClientTest {
    private static final String BATCH = "{\"samples\":{\"http_head\":[1.5]}}";
    private static final String ADMIN_TOKEN = "forwarded-client-test-token";

    @TempDir
    Path dataDir;

    private static TestConfig behindProxy(int wsMaxPerAddress, double intakePerSecond, int intakeBurst) {
        return TestServer.testConfig().withTrustedProxies(List.of("127.0.0.1")).with("--ws-max-per-address", wsMaxPerAddress)
                .with("--intake-rate", intakePerSecond).with("--intake-burst", intakeBurst);
    }

    /** The client's own line first, then the line the proxy appended. */
    private static String[] forwarded(String forged, String seenByProxy) {
        return new String[] {"X-Forwarded-For: " + forged, "X-Forwarded-For: " + seenByProxy};
    }

    private static RawHttp.Answer postBatch(TestServer ts, String... headerLines) throws Exception {
        String[] lines = new String[headerLines.length + 1];
        lines[0] = "Content-Type: text/plain";
        System.arraycopy(headerLines, 0, lines, 1, headerLines.length);
        return RawHttp.exchange(ts.server.port(), "POST", "/api/samples", BATCH, lines);
    }

    @Test
    void the_intake_rate_follows_the_proxys_line_whatever_the_client_forges_before_it() throws Exception {
        try (TestServer ts = TestServer.start(behindProxy(100, 0.01, 2))) {
            for (int i = 1; i <= 2; i++) {
                RawHttp.Answer ok = postBatch(ts, forwarded("198.51.100." + i, "203.0.113.5"));
                assertEquals(200, ok.status(), ok.toString());
            }
            RawHttp.Answer limited = postBatch(ts, forwarded("198.51.100.3", "203.0.113.5"));
            assertEquals(429, limited.status(), "a new forged first line must not buy a new budget: " + limited);
            assertTrue(limited.body().contains("203.0.113.5"), "the refusal names the address the proxy saw: " + limited.body());
            assertEquals(200, postBatch(ts, forwarded("203.0.113.5", "203.0.113.6")).status(),
                    "another address, as the proxy saw it, has its own budget");
        }
    }

    @Test
    void ipv6_addresses_in_one_64_share_one_intake_budget_and_another_64_has_its_own() throws Exception {
        try (TestServer ts = TestServer.start(behindProxy(100, 0.01, 2))) {
            assertEquals(200, postBatch(ts, "X-Forwarded-For: 2001:db8:1:2::1").status());
            assertEquals(200, postBatch(ts, "X-Forwarded-For: 2001:db8:1:2:ffff:ffff:ffff:ffff").status());
            RawHttp.Answer limited = postBatch(ts, "X-Forwarded-For: 2001:0db8:0001:0002:0:0:0:3");
            assertEquals(429, limited.status(), "a third address of the same /64: " + limited);
            assertTrue(limited.body().contains("2001:db8:1:2::/64"), "the refusal names the /64: " + limited.body());
            assertEquals(200, postBatch(ts, "X-Forwarded-For: 2001:db8:1:3::1").status(), "the next /64");
        }
    }

    @Test
    void the_websocket_cap_per_address_follows_the_proxys_line() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try (TestServer ts = TestServer.start(behindProxy(2, 20, 50))) {
            try {
                for (int i = 1; i <= 2; i++) {
                    RawWebSocket ws = RawWebSocket.connect(ts.server.port(), forwarded("198.51.100." + i, "203.0.113.7"));
                    open.add(ws);
                    assertEquals(101, ws.status(), ws.handshake);
                }
                try (RawWebSocket refused = RawWebSocket.connect(ts.server.port(), forwarded("198.51.100.3", "203.0.113.7"))) {
                    assertEquals(429, refused.status(), "a forged first line must not open a third: " + refused.handshake);
                }
                try (RawWebSocket other = RawWebSocket.connect(ts.server.port(), forwarded("203.0.113.7", "203.0.113.8"))) {
                    assertEquals(101, other.status(), "another address as the proxy saw it: " + other.handshake);
                }
            } finally {
                for (RawWebSocket ws : open) {
                    ws.close();
                }
            }
        }
    }

    @Test
    void the_load_stream_cap_per_address_follows_the_proxys_line() throws Exception {
        TestConfig config = behindProxy(100, 20, 50).with("--load-max-streams", 100).with("--load-max-per-address", 2);
        List<RawHttp> held = new ArrayList<>();
        try (TestServer ts = TestServer.start(config)) {
            try {
                for (int i = 1; i <= 2; i++) {
                    RawHttp download = RawHttp.send(ts.server.port(), "GET", "/load/download", null,
                            forwarded("198.51.100." + i, "203.0.113.9"));
                    held.add(download);
                    assertEquals(200, download.status(), download.head);
                }
                RawHttp.Answer third = RawHttp.exchange(ts.server.port(), "GET", "/load/download", null,
                        forwarded("198.51.100.3", "203.0.113.9"));
                assertEquals(429, third.status(), "a forged first line must not open a third stream: " + third);
                assertTrue(third.body().contains("203.0.113.9"), third.body());
            } finally {
                for (RawHttp download : held) {
                    download.close();
                }
            }
        }
    }

    @Test
    void a_saved_result_keeps_the_address_the_proxy_saw_not_the_forged_one() throws Exception {
        TestConfig config = behindProxy(100, 20, 50).withDataDir(dataDir).with("--results-client-address", "truncated")
                .with("--admin-token", ADMIN_TOKEN);
        try (TestServer ts = TestServer.start(config)) {
            RawHttp.Answer saved = RawHttp.exchange(ts.server.port(), "POST", "/api/results", savePayload(),
                    "Content-Type: application/json", "X-Forwarded-For: 198.51.100.77", "X-Forwarded-For: 203.0.113.44");
            assertEquals(201, saved.status(), saved.toString());
            RawHttp.Answer list = RawHttp.exchange(ts.server.port(), "GET", "/api/results?limit=1", null,
                    "Authorization: Bearer " + ADMIN_TOKEN, "Accept: application/json");
            JsonNode stored = TestServer.JSON.readTree(list.body()).get("results").get(0);
            assertEquals("203.0.113.0/24", stored.get("client_address").asText(), stored.toString());
        }
    }

    @Test
    void nq_names_https_when_the_trusted_proxy_says_so_and_http_when_anyone_else_does() throws Exception {
        try (TestServer ts = TestServer.start(behindProxy(100, 20, 50))) {
            JsonNode urls = nq(ts, "X-Forwarded-Proto: https");
            assertEquals("https://127.0.0.1:" + ts.server.port() + "/load/upload", urls.get("upload_url").asText(), urls.toString());
            JsonNode named = nq(ts, "X-Forwarded-Proto: https", "X-Forwarded-Host: pingscope.example");
            assertEquals("https://pingscope.example/load/download", named.get("large_download_url").asText(), named.toString());
            JsonNode forgedHost = nq(ts, "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example/x@y");
            assertEquals("https://127.0.0.1:" + ts.server.port() + "/load/upload", forgedHost.get("upload_url").asText(),
                    "a host that is not host[:port] is ignored: " + forgedHost);
            JsonNode badProto = nq(ts, "X-Forwarded-Proto: javascript");
            assertEquals("http://127.0.0.1:" + ts.server.port() + "/load/upload", badProto.get("upload_url").asText(),
                    "a scheme that is not http or https is ignored: " + badProto);
        }
        TestConfig untrusting = TestServer.testConfig().withTrustedProxies(List.of("10.0.0.0/8"));
        try (TestServer ts = TestServer.start(untrusting)) {
            JsonNode urls = nq(ts, "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example");
            assertEquals("http://127.0.0.1:" + ts.server.port() + "/load/upload", urls.get("upload_url").asText(),
                    "a peer that is not a trusted proxy cannot change the scheme or the host: " + urls);
        }
    }

    @Test
    void a_share_link_believes_x_forwarded_proto_only_from_a_trusted_proxy() throws Exception {
        try (TestServer ts = TestServer.start(behindProxy(100, 20, 50).withDataDir(dataDir))) {
            assertTrue(shareUrl(ts).startsWith("https://127.0.0.1:" + ts.server.port() + "/r/"));
        }
        TestConfig untrusting = TestServer.testConfig().withTrustedProxies(List.of("10.0.0.0/8")).withDataDir(dataDir);
        try (TestServer ts = TestServer.start(untrusting)) {
            String url = shareUrl(ts);
            assertTrue(url.startsWith("http://127.0.0.1:" + ts.server.port() + "/r/"), "an untrusted peer said https: " + url);
        }
    }

    private static String shareUrl(TestServer ts) throws Exception {
        RawHttp.Answer saved = RawHttp.exchange(ts.server.port(), "POST", "/api/results", savePayload(),
                "Content-Type: application/json", "X-Forwarded-Proto: https");
        assertEquals(201, saved.status(), saved.toString());
        return TestServer.JSON.readTree(saved.body()).get("url").asText();
    }

    private static JsonNode nq(TestServer ts, String... headerLines) throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(ts.server.port(), "GET", "/.well-known/nq", null, headerLines);
        assertEquals(200, answer.status(), answer.toString());
        return TestServer.JSON.readTree(answer.body()).get("urls");
    }

    private static String savePayload() {
        return "{\"source\":\"synthetic\",\"settings\":{\"probes\":[\"http_head\"],\"rounds\":3,\"interval\":200,"
                + "\"timeout\":2000,\"warmup\":0,\"load\":\"none\"},"
                + "\"probes\":{\"http_head\":{\"protocol\":\"http/1.1\",\"idle\":{\"samples\":[10.5,11.25,9.75],\"lost\":0}}}}";
    }
}
