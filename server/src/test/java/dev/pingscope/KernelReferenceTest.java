package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel's RTT of a probe's own connection, for probes that ask (HEAD /ping?…&ref=1, /ws?ref=1), the reason
 * {@code proxied} behind a trusted proxy, and a connection's own PING interval (/ws?ping=MS), clamped to the
 * server's bounds (docs/protocol.md).
 */
class KernelReferenceTest {
    private static final Pattern TCP_FIGURES = Pattern.compile(
            "app;dur=[0-9.]+, tcp_srtt;dur=([0-9]+\\.[0-9]{3}), tcp_min;dur=([0-9]+\\.[0-9]{3}), tcp_var;dur=([0-9]+\\.[0-9]{3})");

    private static String serverTiming(TestServer ts, String query) throws Exception {
        HttpResponse<String> r = ts.send(HttpRequest.newBuilder(ts.uri("/ping" + query)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, r.statusCode());
        return r.headers().firstValue("Server-Timing").orElseThrow();
    }

    @Test
    void a_head_probe_that_asks_gets_its_connections_kernel_rtt_and_one_that_does_not_gets_only_app_time() throws Exception {
        try (TestServer ts = TestServer.start()) {
            String flagged = serverTiming(ts, "?pingscope=a-1&ref=1");
            Matcher m = TCP_FIGURES.matcher(flagged);
            assertTrue(m.matches(), flagged);
            // Loopback: tens of µs; the handshake alone gave min_rtt a sample, never above the smoothed figure's range.
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(1)) < 200, flagged);
            assertTrue(Double.parseDouble(m.group(2)) > 0, flagged);
            for (String query : List.of("?pingscope=a-2", "?ref=10", "?pingscope=a-3&xref=1", "")) {
                String plain = serverTiming(ts, query);
                assertTrue(plain.matches("app;dur=[0-9.]+"), query + ": " + plain);
            }
            assertTrue(serverTiming(ts, "?ref=1").startsWith("app;dur="), "the flag alone");
            assertTrue(TCP_FIGURES.matcher(serverTiming(ts, "?ref=1")).matches());
            assertTrue(kernelRttCount(ts, "http_head") >= 3, "pingscope_kernel_rtt_seconds{kind=http_head} counts the flagged probes");
        }
    }

    @Test
    void behind_a_trusted_proxy_the_answer_is_the_reason_proxied() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().withTrustedProxies(List.of("127.0.0.1")))) {
            assertEquals(serverTiming(ts, "?ref=1").replaceAll("app;dur=[0-9.]+", "app"), "app, tcp;desc=\"proxied\"");
            WebSocketProbeTest.Client c = connect(ts, "?ref=1&ping=100");
            JsonNode rtt = nextPingRtt(c);
            assertEquals("proxied", rtt.get("tcp").get("unavailable").asText(), rtt.toString());
        }
    }

    /**
     * The PONG is read on the selector, so it can be answered before the pinger thread has read TCP_INFO
     * after sending its PING: a connection's very first ping_rtt must carry the member all the same (seen
     * missing in a full run on a slow machine). Many connections at once make that order likely.
     */
    @Test
    void every_connections_first_ping_rtt_carries_its_kernel_rtt() throws Exception {
        int connections = 40;
        try (TestServer ts = TestServer.start(TestServer.testConfig().with("--ws-max-per-address", 100))) {
            List<WebSocketProbeTest.Client> clients = new java.util.ArrayList<>();
            for (int i = 0; i < connections; i++) {
                clients.add(connect(ts, "?ref=1&ping=100"));
            }
            for (WebSocketProbeTest.Client c : clients) {
                JsonNode first = nextPingRtt(c);
                assertTrue(first.has("tcp"), "first ping_rtt without tcp: " + first);
                assertTrue(first.get("tcp").has("srtt_ms"), first.toString());
            }
        }
    }

    @Test
    void a_websocket_that_asks_gets_its_kernel_rtt_with_each_ping_rtt_at_the_interval_it_asked_for() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().with("--ping-interval", "1s"))) {
            WebSocketProbeTest.Client c = connect(ts, "?ref=1&ping=100");
            JsonNode hello = TestServer.JSON.readTree(c.next(Duration.ofSeconds(5)));
            assertEquals(100, hello.get("ping_interval_ms").asLong(), hello.toString());
            assertEquals(100, hello.get("ping_interval_requested_ms").asLong(), hello.toString());
            assertTrue(hello.get("tcp_reference").asBoolean(), hello.toString());
            long start = System.nanoTime();
            int withFigures = 0;
            for (int i = 0; i < 20; i++) {
                JsonNode rtt = nextPingRtt(c);
                if (rtt.path("tcp").has("min_rtt_ms")) {
                    withFigures++;
                    assertTrue(rtt.get("tcp").get("min_rtt_ms").asDouble() > 0, rtt.toString());
                    assertTrue(rtt.get("tcp").get("srtt_ms").asDouble() > 0, rtt.toString());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // 20 PINGs at 100 ms take about 2 s; at the server's 1 s they would take 20.
            assertTrue(seconds < 5, "20 ping_rtt in " + seconds + " s");
            assertTrue(withFigures >= 19, "ping_rtt with kernel figures: " + withFigures); // the first may come before any read
            assertTrue(kernelRttCount(ts, "ws") >= 19, "pingscope_kernel_rtt_seconds{kind=ws} counts the PINGs' reads");

            WebSocketProbeTest.Client plain = connect(ts, "");
            JsonNode plainHello = TestServer.JSON.readTree(plain.next(Duration.ofSeconds(5)));
            assertEquals(1000, plainHello.get("ping_interval_ms").asLong());
            assertFalse(nextPingRtt(plain).has("tcp"), "a connection that did not ask gets no kernel figures");
        }
    }

    @Test
    void a_ping_interval_outside_the_servers_bounds_is_clamped_and_garbage_is_refused() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().with("--ping-interval", "1s")
                .with("--ws-min-ping-interval", "100ms"))) {
            assertEquals(100, helloOf(ts, "?ping=10").get("ping_interval_ms").asLong(), "below the minimum: the minimum");
            assertEquals(1000, helloOf(ts, "?ping=60000").get("ping_interval_ms").asLong(), "above the server's: the server's");
            // Rounded down to what the wheel spaces evenly: 1 s / (100 / step), here 100, 200, 250, 500 or 1000 ms.
            assertEquals(250, helloOf(ts, "?ping=300").get("ping_interval_ms").asLong(), "rounded down to 250 ms");
            assertEquals(100, helloOf(ts, "?ping=199").get("ping_interval_ms").asLong(), "rounded down to 100 ms");
            assertEquals(200, helloOf(ts, "?ping=200").get("ping_interval_ms").asLong());
            for (String bad : List.of("?ping=abc", "?ping=-5", "?ping=0", "?ping=1.5", "?ref=yes")) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> connect(ts, bad), bad);
                assertTrue(e.getCause() instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 400, bad + ": " + e);
            }
        }
    }

    /** The count of pingscope_kernel_rtt_seconds for one kind (whatever the region label), 0 when absent. */
    private static double kernelRttCount(TestServer ts, String kind) throws Exception {
        for (String line : ts.get("/metrics").body().split("\n", -1)) {
            if (line.startsWith("pingscope_kernel_rtt_seconds_count{kind=\"" + kind + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void pingscope_probe_reports_the_kernel_rtt_of_its_own_connections_and_proxied_behind_a_trusted_proxy() throws Exception {
        for (boolean proxied : new boolean[] {false, true}) {
            TestConfig config = TestServer.testConfig();
            try (TestServer ts = TestServer.start(proxied ? config.withTrustedProxies(List.of("127.0.0.1")) : config)) {
                java.io.StringWriter out = new java.io.StringWriter();
                int status = dev.pingscope.cli.Cli.commandLine(java.util.Map.of(), new java.io.PrintWriter(out, true),
                        new java.io.PrintWriter(new java.io.StringWriter(), true)).execute("probe", ts.uri("").toString(),
                        "--duration", "2s", "--rate", "20", "--warmup", "0", "--json", "--quiet");
                assertEquals(0, status, out.toString());
                JsonNode reference = TestServer.JSON.readTree(out.toString()).get("reference");
                if (proxied) {
                    assertEquals("proxied", reference.get("http_head").get("unavailable").asText(), reference.toString());
                    assertEquals("proxied", reference.get("ws").get("unavailable").asText(), reference.toString());
                } else {
                    // Loopback: tens of µs; one HEAD in ten asks, and every ping_rtt of the idle connection.
                    assertEquals("srtt", reference.get("http_head").get("figure").asText(), reference.toString());
                    assertTrue(reference.get("http_head").get("samples").asInt() >= 2, reference.toString());
                    // srtt takes a delayed ACK now and then (11 ms seen on loopback in a busy parallel run): the bound
                    // only tells an RTT from a unit slip; the WebSocket's min_rtt below checks the figure tightly.
                    assertTrue(reference.get("http_head").get("rtt_ms").asDouble() < 50, reference.toString());
                    assertEquals("min_rtt", reference.get("ws").get("figure").asText(), reference.toString());
                    assertTrue(reference.get("ws").get("rtt_ms").asDouble() < 5, reference.toString());
                }
            }
        }
    }

    private static JsonNode helloOf(TestServer ts, String query) throws Exception {
        WebSocketProbeTest.Client c = connect(ts, query);
        JsonNode hello = TestServer.JSON.readTree(c.next(Duration.ofSeconds(5)));
        assertEquals("hello", hello.get("type").asText());
        c.ws.abort();
        return hello;
    }

    private static JsonNode nextPingRtt(WebSocketProbeTest.Client c) throws Exception {
        while (true) {
            JsonNode m = TestServer.JSON.readTree(c.next(Duration.ofSeconds(5)));
            if ("ping_rtt".equals(m.get("type").asText())) {
                return m;
            }
        }
    }

    private static WebSocketProbeTest.Client connect(TestServer ts, String query) throws Exception {
        WebSocketProbeTest.Client c = new WebSocketProbeTest.Client();
        c.ws = ts.http.newWebSocketBuilder().buildAsync(URI.create(ts.wsUri() + query), c).get(5, TimeUnit.SECONDS);
        return c;
    }
}
