package dev.pingscope.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import dev.pingscope.datagram.DatagramCounters.Datagram;
import dev.pingscope.datagram.DatagramCounters.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * What an attacker can send to the udp_echo listener, through a real QUIC client ({@link WebTransportTestClient}):
 * garbage, another session's datagrams, replayed sequence numbers, oversized datagrams, a flood, too many
 * sessions, handshakes never finished, refused CONNECTs. Each is dropped and counted, and a well-behaved session
 * beside it keeps every echo.
 */
class UdpEchoBadInputTest {
    /**
     * An oversized datagram: far above the format's 20 bytes, and within one QUIC packet (Kwik's client drops,
     * without a word, a datagram frame that fits no packet, so a larger one would never reach the server).
     */
    static final int OVERSIZED = 1000;

    @Test
    void garbage_other_sessions_and_oversized_datagrams_are_dropped_and_counted_while_a_good_session_keeps_its_echoes()
            throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                WebTransportTestClient good = WebTransportTestClient.open(server.server.datagrams().port());
                WebTransportTestClient bad = WebTransportTestClient.open(server.server.datagrams().port())) {
            DatagramCounters counters = server.server.datagrams().counters();
            assertEquals(200, good.connect("/udp", origin(server)));
            assertEquals(200, bad.connect("/udp", origin(server)));
            SplittableRandom random = new SplittableRandom(20);
            int malformed = 0;
            int wrongSession = 0;
            int goodEchoes = 0;
            for (int i = 0; i < 600; i++) {
                byte[] datagram;
                switch (i % 4) {
                    case 0 -> { // random bytes after the right prefix, never 20 of them
                        int length = 21 + random.nextInt(OVERSIZED - 21);
                        datagram = withPrefix(bad.quarterStreamId(), bytes(random, length));
                        malformed++;
                    }
                    case 1 -> { // a well-formed probe for a session that is not this connection's
                        datagram = WebTransportTestClient.probe(bad.quarterStreamId() + 1 + random.nextInt(1000), i, 0);
                        wrongSession++;
                    }
                    case 2 -> { // one byte short, or oversized: a kilobyte, about what one packet takes
                        datagram = i % 8 == 2 ? withPrefix(bad.quarterStreamId(), bytes(random, 19))
                                : withPrefix(bad.quarterStreamId(), bytes(random, OVERSIZED));
                        malformed++;
                    }
                    default -> { // a prefix cut short: the first byte says two bytes of varint follow
                        datagram = new byte[] {0x40};
                        malformed++;
                    }
                }
                bad.send(datagram);
                if (i % 20 == 0) {
                    goodEchoes += good.echo(i / 20, 2000) >= 0 ? 1 : 0;
                }
            }
            int malformedSent = malformed;
            int wrongSent = wrongSession;
            eventually(() -> counters.datagrams(Datagram.MALFORMED), malformedSent);
            eventually(() -> counters.datagrams(Datagram.WRONG_SESSION), wrongSent);
            System.out.println("after garbage: " + counters);
            assertEquals(30, goodEchoes, "the good session got every echo");
            assertEquals(30, counters.datagrams(Datagram.ECHOED), "nothing of the garbage was echoed");
            assertEquals(null, bad.poll(200), "the bad session got nothing back");
        }
    }

    @Test
    void a_replayed_sequence_number_is_echoed_once_and_counted_once() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                WebTransportTestClient client = WebTransportTestClient.open(server.server.datagrams().port())) {
            DatagramCounters counters = server.server.datagrams().counters();
            assertEquals(200, client.connect("/udp", origin(server)));
            assertEquals(1, client.echo(0, 2000), "the first echo says one seq received");
            for (int i = 0; i < 5; i++) {
                client.send(client.probe(0, 0)); // what a re-sent datagram looks like to the server
            }
            assertEquals(2, client.echo(1, 2000), "the replays did not count: seq 1 is the second received");
            eventually(() -> counters.datagrams(Datagram.DUPLICATE), 5);
            assertEquals(2, counters.datagrams(Datagram.ECHOED));
            assertEquals(null, client.poll(200), "no echo of a replay");
        }
    }

    @Test
    void a_flood_is_capped_per_second_and_another_session_from_the_same_address_keeps_its_echoes() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0)
                        .with("--udp-max-datagrams-per-second", 100));
                WebTransportTestClient good = WebTransportTestClient.open(server.server.datagrams().port());
                WebTransportTestClient flood = WebTransportTestClient.open(server.server.datagrams().port())) {
            DatagramCounters counters = server.server.datagrams().counters();
            assertEquals(200, good.connect("/udp", origin(server)));
            assertEquals(200, flood.connect("/udp", origin(server)));
            long start = System.nanoTime();
            for (int seq = 0; seq < 1000; seq++) {
                flood.send(flood.probe(seq, 0));
            }
            long sendMillis = (System.nanoTime() - start) / 1_000_000;
            int goodEchoes = 0;
            for (int seq = 0; seq < 20; seq++) {
                goodEchoes += good.echo(seq, 2000) >= 0 ? 1 : 0;
            }
            int flooded = 0;
            while (flood.poll(300) != null) {
                flooded++;
            }
            long seconds = sendMillis / 1000 + 2; // the windows the burst can span
            System.out.printf("flood: 1000 sent in %d ms, %d echoed, %s%n", sendMillis, flooded, counters);
            assertEquals(20, goodEchoes, "the other session was not limited by the flood");
            assertTrue(flooded <= 100 * seconds, "at most 100 echoes per second: " + flooded);
            assertTrue(counters.datagrams(Datagram.RATE_LIMITED) >= 1000 - 100 * seconds, counters.toString());
        }
    }

    @Test
    void sessions_per_address_are_capped_and_a_closed_one_gives_its_slot_back() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0).with("--udp-max-per-address", 2))) {
            DatagramService udp = server.server.datagrams();
            int port = udp.port();
            List<WebTransportTestClient> open = new ArrayList<>();
            try {
                open.add(WebTransportTestClient.open(port));
                open.add(WebTransportTestClient.open(port));
                for (WebTransportTestClient c : open) {
                    assertEquals(200, c.connect("/udp", origin(server)));
                }
                WebTransportTestClient third = WebTransportTestClient.open(port);
                open.add(third);
                assertThrows(IOException.class, () -> third.connect("/udp", origin(server)), "the third session is refused");
                eventually(() -> udp.counters().sessions(Session.REFUSED_ADDRESS), 1);
                open.get(0).close();
                eventually(() -> udp.current().openSessions(), 1);
                WebTransportTestClient fourth = WebTransportTestClient.open(port);
                open.add(fourth);
                assertEquals(200, fourth.connect("/udp", origin(server)), "the closed session's slot came back");
            } finally {
                open.forEach(WebTransportTestClient::close);
            }
        }
    }

    @Test
    void a_connection_that_never_sends_its_connect_is_closed_and_gives_its_slot_back() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                WebTransportTestClient idle = WebTransportTestClient.open(server.server.datagrams().port())) {
            DatagramService udp = server.server.datagrams();
            eventually(() -> udp.current().openSessions(), 1);
            // Datagrams before a session are not echoed. (Kwik drops those that come before the listener has set
            // its datagram handler, a moment after the slot was taken, so a few are sent.)
            for (int i = 0; i < 10 && udp.counters().datagrams(Datagram.WRONG_SESSION) == 0; i++) {
                idle.send(WebTransportTestClient.probe(0, i, 0));
                Thread.sleep(100);
            }
            assertTrue(udp.counters().datagrams(Datagram.WRONG_SESSION) >= 1, udp.counters().toString());
            eventually(() -> udp.counters().sessions(Session.HANDSHAKE_TIMEOUT), 1, DatagramListener.HANDSHAKE_TIMEOUT.toMillis() + 3000);
            eventually(() -> udp.current().openSessions(), 0);
            assertEquals(null, idle.poll(100));
        }
    }

    @Test
    void a_connect_for_another_path_or_from_a_foreign_origin_is_refused_with_its_reason() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0)
                        .with("--allowed-origins", "https://site.example"));
                WebTransportTestClient path = WebTransportTestClient.open(server.server.datagrams().port());
                WebTransportTestClient foreign = WebTransportTestClient.open(server.server.datagrams().port());
                WebTransportTestClient listed = WebTransportTestClient.open(server.server.datagrams().port())) {
            assertEquals(404, path.connect("/other", "https://site.example"));
            assertTrue(path.error.contains("/udp"), path.error);
            assertEquals(403, foreign.connect("/udp", "https://evil.example"));
            assertTrue(foreign.error.contains("evil.example"), foreign.error);
            assertEquals(200, listed.connect("/udp", "https://site.example"));
            assertEquals(1, listed.echo(0, 2000));
            DatagramCounters counters = server.server.datagrams().counters();
            assertEquals(1, counters.sessions(Session.REFUSED_ORIGIN));
            assertEquals(1, counters.sessions(Session.REFUSED_REQUEST));
        }
    }

    private static String origin(TestServer server) {
        return "http://localhost:" + server.server.port();
    }

    private static byte[] withPrefix(long quarterStreamId, byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Http3Wire.writeVarint(out, quarterStreamId);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static void eventually(LongSupplier value, long expected) throws InterruptedException {
        eventually(value, expected, 5000);
    }

    private static void eventually(LongSupplier value, long expected, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (value.getAsLong() != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(expected, value.getAsLong());
    }
}
