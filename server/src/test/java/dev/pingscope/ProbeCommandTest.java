package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int probe(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "probe";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(all);
    }

    @Test
    void probe_measures_all_three_kinds_and_prints_a_percentile_summary() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int status = probe(ts.uri("").toString(), "--duration", "1500ms", "--rate", "50", "--warmup", "2");
            String summary = out.toString();
            assertEquals(0, status, summary + err);
            for (String kind : new String[] {"http_head", "ws_echo", "ws_ping"}) {
                assertTrue(summary.contains(kind + ": "), kind + " in " + summary);
            }
            assertTrue(summary.contains("99.900%"), summary);
            assertTrue(summary.contains("corrected ms     raw ms"), summary);
            // The verdicts per use (docs/outcomes.md), of the idle line.
            for (String use : new String[] {"video calls", "online games", "streaming", "browsing"}) {
                assertTrue(summary.matches("(?s).*\n  (good|fair|poor) for " + use + ": .* on the idle line \\(ws_echo p\\d\\d [\\d.]+ ms, idle\\)\n.*"),
                        use + " in " + summary);
            }
            assertTrue(err.toString().contains("http_head") && err.toString().contains("ok"), "progress line: " + err);
        }
    }

    @Test
    void json_and_hlog_outputs_describe_the_same_measurements(@TempDir Path dir) throws Exception {
        Path hlog = dir.resolve("run.hlog");
        try (TestServer ts = TestServer.start()) {
            int status = probe(ts.uri("").toString(), "--duration", "2500ms", "--rate", "100", "--connections", "2",
                    "--json", "--quiet", "--hlog", hlog.toString());
            assertEquals(0, status, out.toString() + err);
        }
        JsonNode json = TestServer.JSON.readTree(out.toString());
        Map<String, Histogram> fromLog = new HashMap<>();
        try (InputStream in = Files.newInputStream(hlog)) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                fromLog.computeIfAbsent(interval.getTag(), t -> new Histogram(3)).add((Histogram) interval);
            }
        }
        for (String kind : new String[] {"http_head", "ws_echo", "ws_ping"}) {
            JsonNode k = json.get("kinds").get(kind);
            assertTrue(k.get("answered").asLong() > 0, kind + ": " + k);
            for (String part : new String[] {"corrected", "raw"}) {
                Histogram logged = fromLog.get(kind + "." + part);
                JsonNode stats = k.get(part);
                assertEquals(stats.get("count").asLong(), logged.getTotalCount(), kind + "." + part);
                assertEquals(stats.get("p50_ms").asDouble(), logged.getValueAtPercentile(50) / 1e3, 1e-9, kind + "." + part);
                assertEquals(stats.get("p99_ms").asDouble(), logged.getValueAtPercentile(99) / 1e3, 1e-9, kind + "." + part);
                assertEquals(stats.get("max_ms").asDouble(), logged.getMaxValue() / 1e3, 1e-9, kind + "." + part);
            }
        }
        assertTrue(json.get("kinds").get("http_head").get("answered").asLong() >= 200, "about 100/s for 2.5 s");
        JsonNode outcomes = json.get("outcomes");
        assertEquals(4, outcomes.size(), outcomes.toString());
        for (JsonNode o : outcomes) {
            assertEquals("idle", o.get("condition").asText(), o.toString());
            assertEquals("ws_echo", o.get("kind").asText(), "the rules' first kind: " + o);
            assertEquals(o.get("rating").asText() + " for " + o.get("name").asText() + ": " + o.get("reason").asText(),
                    o.get("sentence").asText());
            assertTrue(o.get("figure").get("stat").isTextual(), o.toString());
        }
    }

    @Test
    void against_a_pingscope_server_the_summary_and_the_json_say_how_long_the_server_paused_during_the_run() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int status = probe(ts.uri("").toString(), "--kinds", "http_head", "--duration", "1500ms", "--rate", "20", "--quiet");
            assertEquals(0, status, out.toString() + err);
            assertTrue(out.toString().lines().anyMatch(l -> l.matches("The server (did not pause more than \\d+ ms during this run\\."
                    + "|paused up to \\d+ ms during this run; RTTs above that may be the server's own\\.)")), out.toString());

            out.getBuffer().setLength(0);
            status = probe(ts.uri("").toString(), "--kinds", "http_head", "--duration", "1500ms", "--rate", "20", "--quiet", "--json");
            assertEquals(0, status, out.toString() + err);
            JsonNode pauses = TestServer.JSON.readTree(out.toString()).get("server_pauses");
            assertTrue(pauses != null && pauses.get("max_ms").isNumber() && pauses.get("over_10ms").isInt(), out.toString());
            // The run's length, rounded up: the 1.5 s of probing plus connecting and the start delay.
            assertTrue(pauses.get("seconds").asInt() >= 2 && pauses.get("seconds").asInt() <= 10, pauses.toString());
            assertTrue(pauses.get("sentence").asText().startsWith("The server "), pauses.toString());
        }
    }

    @Test
    void a_target_without_api_pauses_gets_no_word_about_server_pauses() throws Exception {
        // A foreign server: 204 on /ping, 404 on everything else (JDK's HttpServer answers unknown paths with 404).
        com.sun.net.httpserver.HttpServer foreign = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        foreign.createContext("/ping", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        foreign.start();
        try {
            String target = "http://127.0.0.1:" + foreign.getAddress().getPort();
            assertEquals(404, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(target + "/api/pauses?seconds=2")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode(), "the foreign target has no /api/pauses");
            int status = probe(target, "--kinds", "http_head", "--duration", "1s", "--rate", "20", "--quiet");
            assertEquals(0, status, out.toString() + err);
            assertTrue(out.toString().contains("http_head: "), out.toString());
            assertTrue(!out.toString().contains("pause"), "nothing about pauses: " + out);

            out.getBuffer().setLength(0);
            status = probe(target, "--kinds", "http_head", "--duration", "1s", "--rate", "20", "--quiet", "--json");
            assertEquals(0, status, out.toString() + err);
            assertTrue(!TestServer.JSON.readTree(out.toString()).has("server_pauses"), out.toString());
        } finally {
            foreign.stop(0);
        }
    }

    @Test
    void a_server_stall_shows_in_the_corrected_percentiles_and_not_in_the_raw_ones() throws Exception {
        try (StallingServer server = new StallingServer(100, 1_000)) {
            int status = probe("http://127.0.0.1:" + server.port(), "--kinds", "http_head", "--rate", "100",
                    "--duration", "3s", "--warmup", "0", "--timeout", "5s", "--json", "--quiet");
            assertEquals(0, status, out.toString() + err);
            JsonNode head = TestServer.JSON.readTree(out.toString()).get("kinds").get("http_head");
            JsonNode corrected = head.get("corrected");
            JsonNode raw = head.get("raw");
            // One 1 s stall at 100 probes/s delays about 100 scheduled probes by 0..1000 ms: a third of all.
            assertTrue(corrected.get("p90_ms").asDouble() > 400, "corrected p90 includes the stall: " + corrected);
            assertTrue(corrected.get("max_ms").asDouble() > 900, corrected.toString());
            // Only the one probe in flight during the stall took long from its actual send time.
            assertTrue(raw.get("p90_ms").asDouble() < 50, "raw p90 does not: " + raw);
            assertTrue(raw.get("max_ms").asDouble() > 900, "the stalled probe itself: " + raw);
            assertTrue(head.get("sent_late").asLong() > 50, "the tool says it fell behind: " + head);
            assertTrue(head.get("max_lag_ms").asDouble() > 900, head.toString());
        }
    }

    @Test
    void report_to_sends_the_samples_to_a_server_as_synthetic() throws Exception {
        try (TestServer target = TestServer.start(); TestServer collector = TestServer.start()) {
            int status = probe(target.uri("").toString(), "--kinds", "http_head,ws_echo", "--duration", "1500ms",
                    "--rate", "40", "--warmup", "0", "--quiet", "--json", "--report-to", collector.uri("").toString());
            assertEquals(0, status, out.toString() + err);
            JsonNode json = TestServer.JSON.readTree(out.toString());
            JsonNode stats = collector.endInterval();
            for (String kind : new String[] {"http_head", "ws_echo"}) {
                long answered = json.get("kinds").get(kind).get("answered").asLong();
                assertTrue(answered > 0);
                assertEquals(answered, TestServer.totalCount(stats, kind, "synthetic"), kind);
                assertEquals(0, TestServer.totalCount(stats, kind, "browser"), kind);
            }
            assertEquals(json.get("report_to").get("sent").asLong(),
                    json.get("kinds").get("http_head").get("answered").asLong() + json.get("kinds").get("ws_echo").get("answered").asLong());
        }
    }

    @Test
    void report_to_keeps_a_batch_that_failed_while_the_server_was_away_and_sends_it_when_it_is_back() throws Exception {
        int collectorPort;
        try (ServerSocket free = new ServerSocket(0)) {
            collectorPort = free.getLocalPort();
        }
        try (TestServer target = TestServer.start()) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> probe(target.uri("").toString(),
                    "--kinds", "http_head", "--duration", "4s", "--rate", "40", "--warmup", "0", "--quiet", "--json",
                    "--report-to", "http://127.0.0.1:" + collectorPort));
            Thread.sleep(1_700); // the first batches (posted after 1 s) find no server
            try (TestServer collector = TestServer.start(TestServer.testConfig().withPort(collectorPort))) {
                assertEquals(0, run.get(30, TimeUnit.SECONDS), out.toString() + err);
                JsonNode json = TestServer.JSON.readTree(out.toString());
                JsonNode report = json.get("report_to");
                long answered = json.get("kinds").get("http_head").get("answered").asLong();
                assertTrue(report.get("failed_attempts").asLong() >= 1, "a post failed while the collector was away: " + report);
                assertEquals(0, report.get("not_delivered").asLong(), report.toString());
                assertEquals(answered, report.get("sent").asLong(), report.toString());
                assertEquals(answered, TestServer.totalCount(collector.endInterval(), "http_head", "synthetic"),
                        "every sample arrived, those of the failed batches too");
            }
        }
    }

    @Test
    void an_unreachable_server_is_reported_and_exits_1() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        int status = probe("http://127.0.0.1:" + port, "--kinds", "http_head", "--duration", "500ms", "--quiet");
        assertEquals(1, status);
        assertTrue(out.toString().contains("last connection error"), out.toString());
        assertTrue(err.toString().contains("no http_head probe was answered"), err.toString());
    }

    @Test
    void bad_probe_options_are_one_line_errors_with_status_2() {
        for (String[] args : new String[][] {
            {"ftp://x"}, {"http://127.0.0.1:1", "--rate", "fast"}, {"http://127.0.0.1:1", "--kinds", "icmp"},
            {"http://127.0.0.1:1", "--connections", "0"}, {"http://127.0.0.1:1", "--duration", "1"},
            {"ws://127.0.0.1:1"}, {"https://"}, {"http://127.0.0.1:1", "--report-to", "ftp://x"}}) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertEquals(2, probe(args), String.join(" ", args));
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("pingscope probe: "), err.toString());
        }
    }

    /** Answers HEAD with 204 at once, except request number stallAt, which waits stallMillis first. */
    static final class StallingServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0);
        private final Thread thread;

        StallingServer(int stallAt, long stallMillis) throws Exception {
            AtomicInteger requests = new AtomicInteger();
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        OutputStream o = s.getOutputStream();
                        int matched = 0;
                        int b;
                        while ((b = in.read()) >= 0) {
                            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                            if (matched == 4) {
                                matched = 0;
                                if (requests.incrementAndGet() == stallAt) {
                                    Thread.sleep(stallMillis);
                                }
                                o.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                o.flush();
                            }
                        }
                    } catch (Exception e) {
                        // The prober closed its connection, or the test ended.
                    }
                }
            }, "stalling-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
