package dev.pingscope.hardening;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpLimitsTest {
    private static final String BATCH = "{\"samples\":{\"http_head\":[1.5]}}";

    private static TestConfig withIntake(double perSecond, int burst) {
        return TestServer.testConfig().withTrustedProxies(List.of("127.0.0.0/8"))
                .with("--intake-rate", perSecond).with("--intake-burst", burst);
    }

    private static HttpResponse<String> post(TestServer ts, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(BATCH));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return ts.send(request);
    }

    @Test
    void a_client_address_above_its_intake_rate_gets_429_and_others_are_unaffected() throws Exception {
        // One batch per 10 s refills: a slow machine does not give a token back during the test.
        try (TestServer ts = TestServer.start(withIntake(0.1, 3)); Bystander bystander = new Bystander(ts, 60)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, post(ts, "198.51.100.20").statusCode(), "within the burst");
            }
            HttpResponse<String> limited = post(ts, "198.51.100.20");
            assertEquals(429, limited.statusCode(), limited.body());
            assertTrue(limited.body().contains("\"rate_limited\""), limited.body());
            assertEquals("10", limited.headers().firstValue("Retry-After").orElseThrow(), "seconds until one batch refills");
            assertEquals(200, post(ts, "198.51.100.21").statusCode(), "another client address has its own budget");
            assertEquals(1.0, ts.metric("pingscope_intake_rejected_total{reason=\"rate_limited\"}"));
            assertEquals(4, TestServer.totalCount(ts.endInterval(), "http_head", "browser"),
                    "the refused batch recorded nothing");
            bystander.assertEchoes();
        }
    }

    @Test
    void x_forwarded_for_is_believed_only_from_a_trusted_proxy() throws Exception {
        TestConfig untrusting = withIntake(0.01, 2).withTrustedProxies(List.of("10.0.0.0/8"));
        try (TestServer ts = TestServer.start(untrusting)) {
            // The direct peer (127.0.0.1) is not a trusted proxy: every claimed address is the same client.
            assertEquals(200, post(ts, "203.0.113.1").statusCode());
            assertEquals(200, post(ts, "203.0.113.2").statusCode());
            assertEquals(429, post(ts, "203.0.113.3").statusCode(), "a forged X-Forwarded-For does not buy a new budget");
        }
        try (TestServer ts = TestServer.start(withIntake(0.01, 2))) {
            // 127.0.0.0/8 is trusted: the right-most untrusted hop is the client.
            for (String client : List.of("203.0.113.1", "203.0.113.2", "203.0.113.3", "127.0.0.5, 203.0.113.4")) {
                assertEquals(200, post(ts, client).statusCode(), client);
            }
            assertEquals(200, post(ts, "203.0.113.4").statusCode());
            assertEquals(429, post(ts, "198.51.100.9, 203.0.113.4").statusCode(),
                    "the hop the trusted proxy saw counts, not what the client wrote before it");
        }
    }

    @Test
    void metrics_can_be_served_on_a_separate_admin_port_only() throws Exception {
        TestConfig config = TestServer.testConfig().with("--admin-port", freePort()).with("--shutdown-grace", Duration.ofSeconds(5));
        try (TestServer ts = TestServer.start(config)) {
            assertEquals(404, ts.get("/metrics").statusCode(), "not on the public port");
            HttpResponse<String> admin = ts.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ts.server.adminPort() + "/metrics")).GET());
            assertEquals(200, admin.statusCode());
            assertTrue(admin.body().contains("pingscope_rtt_seconds_bucket"));
            HttpResponse<String> ready = ts.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ts.server.adminPort() + "/readyz")).GET());
            assertEquals(200, ready.statusCode());
            assertEquals(204, ts.send(HttpRequest.newBuilder(ts.uri("/ping")).GET()).statusCode(), "probes unaffected");
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
