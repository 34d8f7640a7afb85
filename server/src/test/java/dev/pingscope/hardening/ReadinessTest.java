package dev.pingscope.hardening;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.TestServer;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void readyz_turns_503_and_new_websockets_are_refused_as_soon_as_a_graceful_shutdown_begins() throws Exception {
        TestConfig config = TestServer.testConfig().with("--shutdown-grace", Duration.ofSeconds(10));
        try (TestServer ts = TestServer.start(config);
                RawWebSocket silent = RawWebSocket.connect(ts.server.port())) {
            assertEquals(200, ts.get("/readyz").statusCode());
            ts.awaitMetric("pingscope_websocket_sessions{region=\"default\"}", v -> v == 1.0, Duration.ofSeconds(2));
            // A graceful shutdown keeps serving for a quarter of its grace period (at most 2 s) after /readyz
            // turned 503: the window in which a load balancer notices, before the WebSockets are told to go.
            long[] shutdownMillis = {-1};
            Thread shutdown = new Thread(() -> {
                long start = System.nanoTime();
                ts.server.shutdown();
                shutdownMillis[0] = (System.nanoTime() - start) / 1_000_000;
            }, "test-shutdown");
            shutdown.start();
            try {
                // A short timeout per poll, so that one slow answer does not use up the deadline.
                TestServer.poll("/readyz to answer 503", Duration.ofSeconds(4)).ignoreExceptions()
                        .until(() -> ts.http.send(java.net.http.HttpRequest.newBuilder(ts.uri("/readyz"))
                                .timeout(Duration.ofMillis(500)).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
            } catch (ConditionTimeoutException e) {
                shutdown.join(5_000);
                throw new AssertionError(e.getMessage() + "; the shutdown took " + shutdownMillis[0] + " ms", e);
            }
            try (RawWebSocket late = RawWebSocket.connect(ts.server.port())) {
                assertEquals(503, late.status(), "no new WebSocket while draining: " + late.handshake);
            }
            assertEquals(1001, silent.awaitClose(), "the silent client was told 1001 meanwhile");
            shutdown.join(5_000);
        }
    }
}
