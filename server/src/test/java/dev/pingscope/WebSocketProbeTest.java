package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketProbeTest {
    TestServer ts;

    @BeforeEach
    void start() {
        ts = TestServer.start();
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    /** A JDK WebSocket client that queues every text message; the JDK answers server PINGs by itself. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final AtomicInteger pingsSeen = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Client connect(TestServer ts) throws Exception {
            Client c = new Client();
            c.ws = ts.http.newWebSocketBuilder().buildAsync(ts.wsUri(), c).get(5, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pingsSeen.incrementAndGet();
            return WebSocket.Listener.super.onPing(webSocket, message);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        /** The connection failed without a close frame: say why, rather than let a waiting test time out. */
        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        /** The next text message, whatever it is. */
        String next(Duration timeout) throws InterruptedException {
            String s = texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                throw new AssertionError("no message within " + timeout);
            }
            return s;
        }

        /** The next message that is not a server message (hello, ping_rtt, ping_lost). */
        String nextEcho(Duration timeout) throws InterruptedException {
            while (true) {
                String s = next(timeout);
                if (!s.startsWith("{\"type\":")) {
                    return s;
                }
            }
        }
    }

    @Test
    void the_server_says_hello_first_with_its_instance_and_ping_interval() throws Exception {
        Client c = Client.connect(ts);
        JsonNode hello = TestServer.JSON.readTree(c.next(Duration.ofSeconds(5)));
        assertEquals("hello", hello.get("type").asText());
        assertEquals(1, hello.get("protocol").asInt());
        assertEquals(ts.server.config().http().instance(), hello.get("instance").asText());
        assertEquals(200, hello.get("ping_interval_ms").asInt());
    }

    @Test
    void the_echo_returns_each_message_unchanged_and_in_order() throws Exception {
        Client c = Client.connect(ts);
        List<String> sent = List.of("e1", "e2 ünïcødé ✓", "x".repeat(1000), "{not json", " ");
        for (String message : sent) {
            c.ws.sendText(message, true).get(5, TimeUnit.SECONDS);
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            received.add(c.nextEcho(Duration.ofSeconds(5)));
        }
        assertEquals(sent, received);
    }

    @Test
    void server_pings_are_answered_recorded_as_ws_ping_server_and_told_to_the_client() throws Exception {
        Client c = Client.connect(ts);
        List<JsonNode> reports = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (reports.size() < 3 && System.nanoTime() < deadline) {
            JsonNode m = TestServer.JSON.readTree(c.next(Duration.ofSeconds(5)));
            if (m.get("type").asText().equals("ping_rtt")) {
                reports.add(m);
            }
        }
        assertEquals(3, reports.size(), "three ping_rtt reports");
        assertTrue(c.pingsSeen.get() >= 3, "the client saw the PING frames");
        for (int i = 0; i < reports.size(); i++) {
            assertEquals(i + 1, reports.get(i).get("seq").asLong(), "sequence numbers count from 1");
            double rtt = reports.get(i).get("rtt_ms").asDouble();
            assertTrue(rtt > 0 && rtt < 1_000, "loopback RTT in ms: " + rtt);
        }
        c.ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        c.closeCode.get(5, TimeUnit.SECONDS);
        // Every reported RTT was recorded (pings may have been answered after the last report we read).
        JsonNode ping = TestServer.series(ts.endInterval(), "ws_ping", "server", "total");
        assertTrue(ping.get("count").asLong() >= 3, ping.toString());
        assertTrue(ping.get("max_ms").asDouble() >= reports.stream().mapToDouble(r -> r.get("rtt_ms").asDouble()).max().orElseThrow() - 0.01);
    }

    @Test
    void a_binary_message_closes_the_connection_with_1003_and_other_clients_keep_echoing() throws Exception {
        Client good = Client.connect(ts);
        Client bad = Client.connect(ts);
        good.next(Duration.ofSeconds(5));
        bad.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        assertEquals(1003, bad.closeCode.get(5, TimeUnit.SECONDS));
        good.ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertEquals("still here", good.nextEcho(Duration.ofSeconds(5)));
    }

    @Test
    void a_message_above_the_limit_closes_with_1009_whether_in_one_frame_or_in_fragments() throws Exception {
        int limit = ts.server.config().webSocket().maxMessageBytes();
        Client whole = Client.connect(ts);
        whole.ws.sendText("x".repeat(limit + 1), true).get(5, TimeUnit.SECONDS);
        assertEquals(1009, whole.closeCode.get(5, TimeUnit.SECONDS));

        Client fragmented = Client.connect(ts);
        Client bystander = Client.connect(ts);
        // Three fragments of half the limit: the third passes it. Nothing is sent after it, because data
        // arriving at a socket the server has closed would reset the connection and lose the close frame.
        for (int i = 0; i < 3; i++) {
            fragmented.ws.sendText("y".repeat(limit / 2), false).get(5, TimeUnit.SECONDS);
        }
        assertEquals(1009, fragmented.closeCode.get(5, TimeUnit.SECONDS));
        bystander.ws.sendText("fine", true).get(5, TimeUnit.SECONDS);
        assertEquals("fine", bystander.nextEcho(Duration.ofSeconds(5)));
    }

    @Test
    void a_fragmented_message_within_the_limit_comes_back_whole() throws Exception {
        Client c = Client.connect(ts);
        c.ws.sendText("part one, ", false).get(5, TimeUnit.SECONDS);
        c.ws.sendText("part two", true).get(5, TimeUnit.SECONDS);
        assertEquals("part one, part two", c.nextEcho(Duration.ofSeconds(5)));
    }

    @Test
    void a_connection_opened_for_a_loaded_phase_records_its_pings_under_that_condition() throws Exception {
        Client loaded = new Client();
        loaded.ws = ts.http.newWebSocketBuilder().buildAsync(URI.create(ts.wsUri() + "?load=download"), loaded)
                .get(5, TimeUnit.SECONDS);
        int reports = 0;
        while (reports < 2) {
            if (TestServer.JSON.readTree(loaded.next(Duration.ofSeconds(5))).get("type").asText().equals("ping_rtt")) {
                reports++;
            }
        }
        loaded.ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        loaded.closeCode.get(5, TimeUnit.SECONDS);
        JsonNode stats = ts.endInterval();
        assertTrue(TestServer.series(stats, "ws_ping", "server", "download", "total").get("count").asLong() >= 2);
        assertEquals(0, TestServer.totalCount(stats, "ws_ping", "server"), "nothing under idle");
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> ts.http.newWebSocketBuilder().buildAsync(URI.create(ts.wsUri() + "?load=heavy"), new Client())
                        .get(5, TimeUnit.SECONDS));
        assertTrue(String.valueOf(refused.getCause().getCause()).contains("400"), refused.toString());
    }

    @Test
    void an_origin_not_allowed_is_refused_with_403_before_the_upgrade() throws Exception {
        try (TestServer listed = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of("https://shop.example")))) {
            Client allowed = new Client();
            allowed.ws = listed.http.newWebSocketBuilder().header("Origin", "https://shop.example")
                    .buildAsync(listed.wsUri(), allowed).get(5, TimeUnit.SECONDS);
            assertTrue(allowed.next(Duration.ofSeconds(5)).startsWith("{\"type\":\"hello\""));
            java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class,
                    () -> listed.http.newWebSocketBuilder().header("Origin", "https://evil.example")
                            .buildAsync(listed.wsUri(), new Client()).get(5, TimeUnit.SECONDS));
            assertTrue(String.valueOf(refused.getCause().getCause()).contains("403"), refused.toString());
            allowed.ws.sendText("e1", true).get(5, TimeUnit.SECONDS);
            assertEquals("e1", allowed.nextEcho(Duration.ofSeconds(5)), "the allowed client keeps echoing");
        }
    }

    @Test
    void the_open_session_gauge_follows_connections() throws Exception {
        Client c = Client.connect(ts);
        c.next(Duration.ofSeconds(5));
        assertEquals(1.0, ts.metric("pingscope_websocket_sessions{region=\"default\"}"));
        c.ws.sendText("e1", true).get(5, TimeUnit.SECONDS);
        assertEquals("e1", c.nextEcho(Duration.ofSeconds(5)));
        c.ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        c.closeCode.get(5, TimeUnit.SECONDS);
        ts.awaitMetric("pingscope_websocket_sessions{region=\"default\"}", v -> v == 0.0, Duration.ofSeconds(5));
    }
}
