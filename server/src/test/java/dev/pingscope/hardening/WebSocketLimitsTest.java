package dev.pingscope.hardening;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each abuse gets its exact close code or HTTP status, and a bystander connected all along keeps
 * echoing after every case: one bad client never hurts another.
 */
class WebSocketLimitsTest {
    static final int MAX_PER_ADDRESS = 6;
    static TestServer ts;
    static Bystander bystander;

    @BeforeAll
    static void start() throws IOException {
        // The default timeouts: the sockets these tests open and never use must not be idle-closed meanwhile.
        ts = TestServer.start(limited(TestServer.testConfig()));
        bystander = new Bystander(ts, 40);
    }

    private static TestConfig limited(TestConfig base) {
        return base.withTrustedProxies(List.of("127.0.0.1")).with("--ws-max-connections", 50)
                .with("--ws-max-per-address", MAX_PER_ADDRESS).with("--ws-max-messages-per-second", 20)
                .with("--ws-max-queued-frames", 16);
    }

    /** A server of its own for the timeout cases: PINGs lost after 400 ms, idle after 1 s. */
    private static TestServer withShortTimeouts() {
        return TestServer.start(limited(TestServer.testConfig().withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(1))));
    }

    @AfterAll
    static void stop() {
        bystander.close();
        ts.close();
    }

    @AfterEach
    void bystander_still_echoes() throws Exception {
        bystander.assertEchoes();
    }

    private RawWebSocket connect(String address) throws IOException {
        return connect(ts, address);
    }

    private static RawWebSocket connect(TestServer server, String address) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.server.port(), "X-Forwarded-For: " + address);
        assertEquals(101, ws.status(), ws.handshake);
        return ws;
    }

    @Test
    void a_frame_above_the_size_limit_closes_with_1009() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.1")) {
            ws.send(0x1, true, true, "x".repeat(ts.server.config().webSocket().maxMessageBytes() + 1).getBytes(StandardCharsets.US_ASCII));
            assertEquals(1009, ws.awaitClose());
        }
    }

    @Test
    void a_message_above_the_limit_sent_in_small_fragments_closes_with_1009() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.2")) {
            byte[] part = "y".repeat(100).getBytes(StandardCharsets.US_ASCII);
            // Just past the limit and no further: the server closes at once, and a fragment sent after its close
            // would meet a reset (a broken pipe here) instead of the 1009.
            int fragments = ts.server.config().webSocket().maxMessageBytes() / part.length + 1;
            ws.send(0x1, false, true, part);
            for (int i = 1; i < fragments; i++) {
                ws.send(0x0, false, true, part);
            }
            assertEquals(1009, ws.awaitClose());
        }
    }

    @Test
    void text_that_is_not_utf8_closes_with_1007() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.11")) {
            ws.send(0x1, true, true, new byte[] {'e', (byte) 0xC3, '('}); // 0xC3 must be followed by 0x80-0xBF
            assertEquals(1007, ws.awaitClose());
        }
    }

    @Test
    void a_character_split_between_fragments_is_echoed_unchanged() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.12")) {
            byte[] eAcute = "\u00e9".getBytes(StandardCharsets.UTF_8); // two bytes: the fragments cut between them
            ws.send(0x1, false, true, new byte[] {'e', eAcute[0]});
            ws.send(0x0, true, true, new byte[] {eAcute[1], '1'});
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            while (true) {
                RawWebSocket.Frame f = ws.read();
                if (f.opcode() == 0x9) {
                    ws.send(0xA, true, true, f.payload());
                } else if (f.opcode() == 0x8) {
                    throw new AssertionError("closed with " + f.closeCode() + ": " + f.text());
                } else if (f.opcode() == 0x0 || (f.opcode() == 0x1 && !f.text().startsWith("{\"type\":"))) {
                    echoed.write(f.payload());
                    if (f.fin()) {
                        break;
                    }
                }
            }
            assertEquals("e\u00e91", echoed.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void an_unmasked_client_frame_is_a_protocol_error_1002() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.3")) {
            ws.send(0x1, true, false, "e1".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1002, ws.awaitClose());
        }
    }

    @Test
    void a_reserved_opcode_is_a_protocol_error_1002() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.4")) {
            ws.send(0x3, true, true, "?".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1002, ws.awaitClose());
        }
    }

    @Test
    void a_continuation_without_a_start_is_a_protocol_error_1002() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.5")) {
            ws.send(0x0, true, true, "orphan".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1002, ws.awaitClose());
        }
    }

    @Test
    void more_messages_per_second_than_allowed_close_with_1008() throws IOException {
        try (RawWebSocket ws = connect("198.51.100.6")) {
            // One more than the 20 allowed, and nothing after: more data sent to a closed socket would reset it.
            for (int i = 0; i < 21; i++) {
                ws.sendText("e" + i);
            }
            assertEquals(1008, ws.awaitClose());
        }
    }

    @Test
    void connections_above_the_per_address_cap_are_refused_with_429_at_the_upgrade() throws IOException {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_ADDRESS; i++) {
                open.add(connect("203.0.113.7"));
            }
            try (RawWebSocket refused = RawWebSocket.connect(ts.server.port(), "X-Forwarded-For: 203.0.113.7")) {
                assertEquals(429, refused.status(), refused.handshake);
            }
            try (RawWebSocket other = connect("203.0.113.8")) {
                assertEquals(101, other.status(), "another address is not affected");
            }
        } finally {
            for (RawWebSocket ws : open) {
                ws.close();
            }
        }
    }

    @Test
    void connections_above_the_instance_cap_are_refused_with_503_at_the_upgrade() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            // Open from ever new addresses until refused: the refusal must be the instance cap (503) at 50 open.
            for (int i = 0; i < 60; i++) {
                RawWebSocket ws = RawWebSocket.connect(ts.server.port(), "X-Forwarded-For: 10.0." + (i / 5) + "." + (i % 5));
                open.add(ws);
                if (ws.status() != 101) {
                    assertEquals(503, ws.status(), ws.handshake);
                    ts.awaitMetric("pingscope_websocket_sessions{region=\"default\"}", v -> v == 50.0, Duration.ofSeconds(2));
                    return;
                }
            }
            throw new AssertionError("60 connections and none refused");
        } finally {
            for (RawWebSocket ws : open) {
                ws.close();
            }
        }
    }

    @Test
    void a_client_that_sends_nothing_and_answers_no_ping_is_closed_after_the_idle_timeout() throws IOException {
        try (TestServer idle = withShortTimeouts()) {
            long start = System.nanoTime(); // before the upgrade, as the server's idle clock starts at admission
            try (RawWebSocket ws = connect(idle, "198.51.100.9")) {
                assertEquals(1001, ws.awaitClose());
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(seconds >= 0.9 && seconds < 3, "closed after the 1 s idle timeout: " + seconds + " s");
            }
        }
    }

    @Test
    void pings_without_pongs_are_counted_and_told_as_lost() throws Exception {
        try (TestServer idle = withShortTimeouts(); RawWebSocket ws = connect(idle, "198.51.100.10")) {
            int lostMessages = 0;
            while (true) {
                RawWebSocket.Frame f = ws.read();
                if (f.opcode() == 0x1 && f.text().startsWith("{\"type\":\"ping_lost\"")) {
                    lostMessages++;
                }
                if (f.opcode() == 0x8) {
                    break; // the idle timeout ends it
                }
            }
            assertTrue(lostMessages >= 1, "ping_lost messages: " + lostMessages);
            int told = lostMessages;
            idle.awaitMetric("pingscope_probes_lost_total{kind=\"ws_ping\",region=\"default\"}", v -> v >= told, Duration.ofSeconds(2));
        }
    }
}
