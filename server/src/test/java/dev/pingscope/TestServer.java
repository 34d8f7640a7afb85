package dev.pingscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.DoublePredicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** A real pingscope server on a free loopback port, with a JDK HttpClient to talk to it. */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final PingscopeServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(ServerConfig config) {
        this.server = PingscopeServer.create(config).start();
    }

    /**
     * Server PINGs every 200 ms; intervals end only when a test calls {@link #endInterval}, so counts are exact; no
     * udp_echo listener unless the test sets --udp-port.
     * Saved results go to a SQLite file in a temporary directory shared by the test JVM, never the working directory.
     */
    public static TestConfig testConfig() {
        return new TestConfig()
                .withHost("127.0.0.1")
                .withPort(0)
                .withIntervals(Duration.ofMillis(200), Duration.ofHours(1))
                .withDataDir(SharedDataDir.PATH)
                // udp_echo off unless a test turns it on (--udp-port 0): each server would start a QUIC listener
                // and its threads, which the hundreds of other test servers do not need
                .with("--udp-port", "off");
    }

    /** The temporary data directory every test server of this JVM keeps its results in (also for child JVMs). */
    public static java.nio.file.Path dataDir() {
        return SharedDataDir.PATH;
    }

    /** One temporary data directory for every test server of this JVM, deleted at its exit. */
    private static final class SharedDataDir {
        static final java.nio.file.Path PATH = create();

        private static java.nio.file.Path create() {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pingscope-test-data");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (java.io.IOException e) {
                        // A temporary directory left behind is harmless.
                    }
                }));
                return dir;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public static TestServer start() {
        return new TestServer(testConfig().build());
    }

    public static TestServer start(ServerConfig config) {
        return new TestServer(config);
    }

    public static TestServer start(TestConfig config) {
        return new TestServer(config.build());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Ends the current recording interval and returns /api/stats as the server now serves it. */
    public JsonNode endInterval() throws Exception {
        server.reporter().reportNow();
        return JSON.readTree(get("/api/stats").body());
    }

    /** The stats of one idle series ("total" or "interval") from an /api/stats document. */
    public static JsonNode series(JsonNode stats, String kind, String source, String part) {
        return series(stats, kind, source, "idle", part);
    }

    /** The stats of one series under one load condition ("total" or "interval") from an /api/stats document. */
    public static JsonNode series(JsonNode stats, String kind, String source, String load, String part) {
        for (JsonNode s : stats.get("series")) {
            if (s.get("kind").asText().equals(kind) && s.get("source").asText().equals(source)
                    && s.get("load").asText().equals(load)) {
                return s.get(part);
            }
        }
        throw new AssertionError("no series " + kind + "/" + source + "/" + load + " in " + stats);
    }

    /** How many samples of this kind and source the stats hold in total. */
    public static long totalCount(JsonNode stats, String kind, String source) {
        return series(stats, kind, source, "total").get("count").asLong();
    }

    /** Polls /metrics until the sample line's value passes the check, failing after the deadline. */
    public void awaitMetric(String sampleLinePrefix, DoublePredicate check, Duration deadline) {
        // A failed scrape is "not yet"; on timeout the last one is the cause.
        poll(sampleLinePrefix + " in /metrics", deadline).ignoreExceptions()
                .until(() -> check.test(metric(sampleLinePrefix)));
    }

    /** The value of one sample line of /metrics (text format), or NaN when absent. */
    public double metric(String sampleLinePrefix) throws Exception {
        for (String line : get("/metrics").body().split("\n", -1)) {
            if (line.startsWith(sampleLinePrefix + " ")) {
                return Double.parseDouble(line.substring(sampleLinePrefix.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /**
     * A wait for {@code what}: polls every 10 ms, first at once, in the calling thread (so that a condition
     * may use the test's page or client), and fails after {@code atMost} with a message naming {@code what}.
     * Add {@code .ignoreExceptions()} where a condition that throws means "not yet".
     */
    public static ConditionFactory poll(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread();
    }

    /** Polls every 10 ms until the condition holds, failing after the deadline; an exception fails at once. */
    public static void await(String what, Duration deadline, Callable<Boolean> condition) {
        poll(what, deadline).until(condition);
    }

    @Override
    public void close() {
        server.stop();
    }
}
