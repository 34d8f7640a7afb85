package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestServer;
import dev.pingscope.recording.HistogramCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The real process, stopped by SIGTERM with hundreds of WebSockets open: every one gets 1001, the process
 * exits within its grace period, and a restart on the same --hlog-dir reports the same totals.
 */
@Isolated // timing: 300 WebSockets closed within a 5 s grace period, which a busy neighbour can push past
class GracefulShutdownTest {
    private static final int SOCKETS = 300;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sigterm_closes_every_websocket_with_1001_exits_in_time_and_a_restart_keeps_the_totals(@TempDir Path hlogDir)
            throws Exception {
        int port = freePort();
        Process first = start(port, hlogDir);
        List<CompletableFuture<Integer>> closeCodes = new ArrayList<>();
        JsonNode before;
        try {
            for (int i = 0; i < SOCKETS; i++) {
                CompletableFuture<Integer> code = new CompletableFuture<>();
                http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        code.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
                closeCodes.add(code);
            }
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/samples"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[" + (10 + i) + ".5, 20.25]}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            // Every batch in a written interval, and more PINGs timed than there are sockets.
            TestServer.poll("the batches and the PINGs in /api/stats", Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                JsonNode stats = stats(port);
                return TestServer.totalCount(stats, "http_head", "browser") == 10
                        && TestServer.totalCount(stats, "ws_ping", "server") > SOCKETS;
            });
            before = stats(port);
        } finally {
            long sigterm = System.nanoTime();
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "exits within the 5 s grace period");
            System.out.printf("SIGTERM with %d WebSockets: exited after %.2f s, status %d%n",
                    SOCKETS, (System.nanoTime() - sigterm) / 1e9, first.exitValue());
        }
        for (CompletableFuture<Integer> code : closeCodes) {
            assertEquals(1001, code.get(5, TimeUnit.SECONDS), "every WebSocket was told the server is going away");
        }

        Process second = start(port, hlogDir);
        try {
            JsonNode after = stats(port);
            JsonNode headBefore = TestServer.series(before, "http_head", "browser", "total");
            JsonNode headAfter = TestServer.series(after, "http_head", "browser", "total");
            assertEquals(10, headAfter.get("count").asLong());
            assertEquals(HistogramCodec.decode(headBefore.get("histogram").asText()),
                    HistogramCodec.decode(headAfter.get("histogram").asText()), "the same histogram after the restart");
            long pingsBefore = TestServer.totalCount(before, "ws_ping", "server");
            long pingsAfter = TestServer.totalCount(after, "ws_ping", "server");
            assertTrue(pingsBefore > SOCKETS, "each socket answered PINGs before the shutdown: " + pingsBefore);
            assertTrue(pingsAfter >= pingsBefore, "the last interval was recorded too: " + pingsBefore + " -> " + pingsAfter);
        } finally {
            second.destroy();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process start(int port, Path hlogDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.pingscope.cli.Main",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--hlog-dir", hlogDir.toString(),
                "--ping-interval", "200ms", "--report-interval", "200ms", "--shutdown-grace", "5s",
                "--ws-max-per-address", "1000", "--data-dir", TestServer.dataDir().toString())
                .redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // else the JVM's notice of it comes first
        Process p = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertTrue(first != null && first.contains("listening"), "started: " + first);
        Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "drain");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private JsonNode stats(int port) throws Exception {
        return TestServer.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
