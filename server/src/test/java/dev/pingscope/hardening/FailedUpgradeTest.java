package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.TestServer;
import dev.pingscope.websocket.WebSocketProbes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 17, case 1: an upgrade that fails, however it fails, leaves no WebSocket admission slot behind.
 * Each kind of failure is sent 1,000 times, spread over more addresses than the instance cap needs, so
 * that slots kept by mistake would fill both the per-address and the instance cap; then every address
 * and the whole instance must still connect up to their caps, and the sessions gauge and the per-address
 * table return to zero.
 */
class FailedUpgradeTest {
    static final int PER_ADDRESS = 5;
    static final int TOTAL = 20;
    static final int ATTEMPTS = 1_000;
    /** Addresses the failed upgrades come from: 20 attempts each, four times the per-address cap. */
    static final int ADDRESSES = 50;
    static final String SESSIONS = "pingscope_websocket_sessions{region=\"default\"}";

    /** How a client leaves after sending its upgrade request. */
    enum Ending { READ_THE_ANSWER, CLOSE, RESET }

    /** A kind of failed upgrade: what it changes in a valid request, how it ends, and the answer it must get. */
    enum Failure {
        BAD_EXTENSION(Ending.READ_THE_ANSWER, 400),
        BAD_VERSION(Ending.READ_THE_ANSWER, 404),
        MISSING_KEY(Ending.READ_THE_ANSWER, 400),
        KEY_NOT_16_BYTES(Ending.READ_THE_ANSWER, 400),
        KEY_NOT_BASE64(Ending.READ_THE_ANSWER, 400),
        REFUSED_ORIGIN(Ending.READ_THE_ANSWER, 403),
        /** Closed before reading the 101: the server may open the socket and must then see it end. */
        CLOSED_BEFORE_THE_ANSWER(Ending.CLOSE, 0),
        /** Reset (SO_LINGER 0) right after the request: the 101 may fail to be written. */
        RESET_BEFORE_THE_ANSWER(Ending.RESET, 0),
        /** Half the request head, then closed: the upgrade never reaches the negotiation. */
        CLOSED_IN_THE_REQUEST_HEAD(Ending.CLOSE, 0);

        final Ending ending;
        /** The status every attempt must get; 0 when the client does not read it. */
        final int status;

        Failure(Ending ending, int status) {
            this.ending = ending;
            this.status = status;
        }

        /** Makes a valid upgrade request's headers into this kind's. */
        private void change(Map<String, String> headers) {
            switch (this) {
                case BAD_EXTENSION -> headers.put("Sec-WebSocket-Extensions", "permessage-deflate; bogus=1");
                case BAD_VERSION -> headers.put("Sec-WebSocket-Version", "12");
                case MISSING_KEY -> headers.remove("Sec-WebSocket-Key");
                case KEY_NOT_16_BYTES -> headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(new byte[8]));
                case KEY_NOT_BASE64 -> headers.put("Sec-WebSocket-Key", "not base64, not a key!!");
                case REFUSED_ORIGIN -> headers.put("Origin", "https://elsewhere.example");
                default -> { } // the closing kinds send a valid request (or half of one)
            }
        }

        byte[] request(int port, String address) {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "127.0.0.1:" + port);
            headers.put("Upgrade", "websocket");
            headers.put("Connection", "Upgrade");
            headers.put("Sec-WebSocket-Version", "13");
            headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
            headers.put("X-Forwarded-For", address);
            change(headers);
            StringBuilder head = new StringBuilder("GET /ws HTTP/1.1\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            String text = head.append("\r\n").toString();
            if (this == CLOSED_IN_THE_REQUEST_HEAD) {
                text = text.substring(0, text.length() / 2);
            }
            return text.getBytes(StandardCharsets.US_ASCII);
        }
    }

    TestServer ts;
    ExecutorService clients;

    @BeforeEach
    void start() {
        ts = TestServer.start(TestServer.testConfig().withTrustedProxies(List.of("127.0.0.1"))
                .withAllowedOrigins(List.of("https://allowed.example"))
                .with("--ws-max-connections", TOTAL).with("--ws-max-per-address", PER_ADDRESS));
        clients = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        ts.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void failed_upgrades_of_every_kind_give_their_slots_back(Failure failure) throws Exception {
        Map<Integer, Integer> statuses = sendFailedUpgrades(failure);
        if (failure.status != 0) {
            assertEquals(Map.of(failure.status, ATTEMPTS), statuses, "the answers to " + ATTEMPTS + " upgrades " + failure);
        }

        WebSocketProbes ws = ts.server.webSockets();
        TestServer.poll("slots given back after " + ATTEMPTS + " upgrades " + failure, Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(List.of(0, 0), List.of(ws.slotsHeld(), ws.addressesHeld()),
                        "[slots held, addresses holding one]"));

        assertEveryAddressAndTheInstanceConnectUpToTheirCaps();
        ts.awaitMetric(SESSIONS, v -> v == 0.0, Duration.ofSeconds(5));
        TestServer.poll("slots given back after the good sockets closed", Duration.ofSeconds(5))
                .untilAsserted(() -> assertEquals(List.of(0, 0), List.of(ws.slotsHeld(), ws.addressesHeld()),
                        "[slots held, addresses holding one]"));
    }

    /** Sends the failed upgrades from eight threads; returns how many got each status (none for the closing kinds). */
    private Map<Integer, Integer> sendFailedUpgrades(Failure failure) throws Exception {
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            String address = "198.18.0." + (i % ADDRESSES);
            attempts.add(() -> attempt(failure, address));
        }
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        for (Future<Integer> result : clients.invokeAll(attempts)) {
            statuses.merge(result.get(), 1, Integer::sum);
        }
        return new TreeMap<>(statuses);
    }

    /** One failed upgrade on a connection of its own; returns the answer's status, or 0 if it is not read. */
    private int attempt(Failure failure, String address) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ts.server.port())) {
            socket.setSoTimeout(10_000);
            if (failure.ending == Ending.RESET) {
                socket.setSoLinger(true, 0);
            }
            socket.getOutputStream().write(failure.request(ts.server.port(), address));
            if (failure.ending != Ending.READ_THE_ANSWER) {
                return 0;
            }
            return statusOf(socket.getInputStream());
        }
    }

    private static int statusOf(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
    }

    /**
     * Fills the instance from the addresses that sent the failed upgrades, each to its own cap; one more
     * from a full address (429), and then from a fresh one once the instance is full (503), is refused:
     * the caps still count.
     */
    private void assertEveryAddressAndTheInstanceConnectUpToTheirCaps() throws IOException {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < TOTAL; i++) {
                RawWebSocket socket = RawWebSocket.connect(ts.server.port(), "X-Forwarded-For: 198.18.0." + (i / PER_ADDRESS));
                open.add(socket);
                assertEquals(101, socket.status(), "good upgrade " + (i + 1) + " of " + TOTAL + ": " + socket.handshake);
                if (i == PER_ADDRESS - 1) {
                    try (RawWebSocket full = RawWebSocket.connect(ts.server.port(), "X-Forwarded-For: 198.18.0.0")) {
                        assertEquals(429, full.status(), "one more from a full address: " + full.handshake);
                    }
                }
            }
            try (RawWebSocket beyond = RawWebSocket.connect(ts.server.port(), "X-Forwarded-For: 198.18.1.1")) {
                assertEquals(503, beyond.status(), "a socket beyond the instance cap: " + beyond.handshake);
            }
        } finally {
            for (RawWebSocket socket : open) {
                socket.close();
            }
        }
    }
}
