package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While the server echoes a message that arrives in fragments, its own messages (ping_rtt, ping_lost)
 * fall due. RFC 6455 lets no data frame split a fragmented message, so they must wait for its end:
 * a browser would otherwise fail the connection. PINGs every 100 ms make the case certain, not rare.
 */
class FragmentedEchoTest {
    static final byte[] FIRST = "part one, ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LAST = "part two".getBytes(StandardCharsets.US_ASCII);

    TestServer ts;

    @BeforeEach
    void start() throws IOException {
        ts = TestServer.start(TestServer.testConfig().with("--ping-interval", Duration.ofMillis(100))
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    private RawWebSocket connect() throws IOException {
        return connect(ts);
    }

    private static RawWebSocket connect(TestServer server) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.server.port());
        assertEquals(101, ws.status(), ws.handshake);
        RawWebSocket.Frame hello = ws.read();
        assertTrue(hello.text().startsWith("{\"type\":\"hello\""), hello.text());
        return ws;
    }

    @Test
    void server_messages_due_during_a_fragmented_echo_wait_for_its_last_fragment() throws IOException {
        try (RawWebSocket ws = connect()) {
            ws.send(0x1, false, true, FIRST);
            List<RawWebSocket.Frame> whileOpen = new ArrayList<>();
            // Answer PINGs for a while (each answer makes a ping_rtt due), then ignore them (ping_lost due).
            readFor(ws, Duration.ofMillis(600), true, whileOpen);
            readFor(ws, Duration.ofMillis(800), false, whileOpen);
            List<RawWebSocket.Frame> data = whileOpen.stream().filter(f -> f.opcode() < 0x8).toList();
            assertEquals(1, data.size(), "only the echo of the first fragment while the message is open: " + texts(data));
            assertEquals(0x1, data.get(0).opcode());
            assertFalse(data.get(0).fin(), "the echo is a fragment too");
            assertEquals("part one, ", data.get(0).text());

            ws.send(0x0, true, true, LAST);
            List<RawWebSocket.Frame> after = new ArrayList<>();
            readFor(ws, Duration.ofMillis(300), true, after);
            List<RawWebSocket.Frame> afterData = after.stream().filter(f -> f.opcode() < 0x8).toList();
            assertTrue(afterData.size() >= 3, "the echo's end and the held messages: " + texts(afterData));
            assertEquals(0x0, afterData.get(0).opcode(), "first the echo's last fragment");
            assertTrue(afterData.get(0).fin());
            assertEquals("part two", afterData.get(0).text());
            List<String> held = afterData.subList(1, afterData.size()).stream().map(RawWebSocket.Frame::text).toList();
            assertTrue(afterData.stream().skip(1).allMatch(f -> f.opcode() == 0x1 && f.fin()),
                    "then whole text messages: " + texts(afterData));
            assertTrue(held.stream().anyMatch(t -> t.startsWith("{\"type\":\"ping_rtt\"")), "a held ping_rtt: " + held);
            assertTrue(held.stream().anyMatch(t -> t.startsWith("{\"type\":\"ping_lost\"")), "a held ping_lost: " + held);

            ws.sendText("e1");
            assertEquals("e1", ws.nextEcho(), "echoing goes on as usual");
        }
    }

    @Test
    void a_fragmented_message_left_unfinished_closes_with_1008() throws IOException {
        assertUnfinishedMessageClosesAfter(ts, 32);
    }

    @Test
    void with_few_queued_frames_allowed_fewer_messages_are_held_so_their_burst_never_trips_that_limit() throws IOException {
        try (TestServer few = TestServer.start(TestServer.testConfig().with("--ping-interval", Duration.ofMillis(100))
                .with("--ws-max-queued-frames", 8))) {
            assertUnfinishedMessageClosesAfter(few, 4);
        }
    }

    /** Opens a fragmented message and never ends it, answering PINGs (one ping_rtt held per PING). */
    private static void assertUnfinishedMessageClosesAfter(TestServer server, int heldMessages) throws IOException {
        try (RawWebSocket ws = connect(server)) {
            ws.send(0x1, false, true, FIRST);
            long start = System.nanoTime();
            List<RawWebSocket.Frame> frames = new ArrayList<>();
            readFor(ws, Duration.ofSeconds(10), true, frames);
            RawWebSocket.Frame last = frames.get(frames.size() - 1);
            assertEquals(0x8, last.opcode(), "closed: " + texts(frames));
            assertEquals(1008, last.closeCode(), last.text());
            assertTrue(last.text().contains("unfinished for " + heldMessages + " server messages"), last.text());
            System.out.printf("unfinished fragmented message closed with 1008 after %d ms (%d messages held)%n",
                    (System.nanoTime() - start) / 1_000_000, heldMessages);
        }
    }

    /** Reads frames for a while (or until a close frame), answering PINGs only if asked to. */
    private static void readFor(RawWebSocket ws, Duration duration, boolean answerPings, List<RawWebSocket.Frame> into)
            throws IOException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            ws.socket.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000));
            RawWebSocket.Frame frame;
            try {
                frame = ws.read();
            } catch (SocketTimeoutException e) {
                break;
            }
            into.add(frame);
            if (frame.opcode() == 0x9 && answerPings) {
                ws.send(0xA, true, true, frame.payload());
            } else if (frame.opcode() == 0x8) {
                break;
            }
        }
        ws.socket.setSoTimeout(10_000);
    }

    private static List<String> texts(List<RawWebSocket.Frame> frames) {
        return frames.stream().map(f -> f.opcode() + (f.fin() ? "" : "+") + ":" + f.text()).toList();
    }
}
