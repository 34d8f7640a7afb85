package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import dev.pingscope.recording.HistogramCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** pingscope probe --save: the run is saved as source synthetic, its raw histograms exactly, and the link printed. */
class ProbeSaveTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void probe_save_stores_the_raw_histograms_and_prints_the_link() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int status = Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(
                    "probe", ts.uri("").toString(), "--duration", "1500ms", "--rate", "40", "--warmup", "1", "--json",
                    "--quiet", "--save");
            assertEquals(0, status, out + "\n" + err);
            JsonNode report = TestServer.JSON.readTree(out.toString());
            Matcher link = Pattern.compile("Saved: (http://127\\.0\\.0\\.1:" + ts.server.port() + "/r/([A-Za-z0-9_-]{22}))")
                    .matcher(err.toString());
            assertTrue(link.find(), "the link, on stderr with --json: " + err);
            assertEquals(200, ts.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.group(1))).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
            JsonNode saved = TestServer.JSON.readTree(ts.get("/api/results/" + link.group(2)).body());
            assertEquals("synthetic", saved.get("source").asText());
            assertEquals("probe", saved.get("browser").asText());
            assertEquals("none", saved.get("site").asText());
            for (String kind : new String[] {"http_head", "ws_echo", "ws_ping"}) {
                JsonNode raw = report.get("kinds").get(kind).get("raw");
                JsonNode idle = saved.get("probes").get(kind).get("idle");
                assertTrue(raw.get("count").asLong() > 0, kind + " measured: " + raw);
                assertEquals(raw.get("count").asLong(), idle.get("count").asLong(), kind);
                assertEquals(report.get("kinds").get(kind).get("lost").asLong(), idle.get("lost").asLong(), kind);
                assertEquals(HistogramCodec.decode(raw.get("histogram").asText()), HistogramCodec.decode(idle.get("histogram").asText()),
                        kind + ": the saved histogram is the prober's raw histogram");
                assertEquals(report.get("kinds").get(kind).get("protocols").get(0).asText(),
                        saved.get("probes").get(kind).get("protocol").asText());
            }
            JsonNode sent = report.get("reference");
            JsonNode kept = saved.get("reference");
            System.out.println("--json reference " + sent + "\nsaved reference " + kept);
            assertEquals("tcp_info", kept.get("source").asText(), saved.toString());
            for (String connection : new String[] {"http_head", "ws"}) {
                JsonNode s = sent.get(connection);
                JsonNode k = kept.get(connection);
                if (s.has("rtt_ms")) {
                    assertEquals(s.get("rtt_ms").asDouble(), k.get("rttMs").asDouble(), connection);
                    assertEquals(s.get("samples").asLong(), k.get("samples").asLong(), connection);
                } else {
                    assertTrue(k.has("unavailable"), connection + ": " + k);
                }
            }
            assertTrue(sent.get("ws").has("rtt_ms"), "loopback to this JVM's server gives the WebSocket's min_rtt: " + sent);
            double p50 = saved.at("/probes/ws_ping/idle/p50").asDouble();
            assertEquals(p50 - kept.at("/ws/rttMs").asDouble(), kept.at("/ws/bias/ws_ping").asDouble(), 0.01 * p50 + 0.002,
                    "the bias is the raw p50 (within the histogram's 3 digits) minus the kernel's");
            assertTrue(kept.get("verdict").asText().contains("PING"), kept.toString());
        }
    }

    @Test
    void a_refused_save_is_an_error_and_exit_status_1() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().with("--results", false))) {
            int status = Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(
                    "probe", ts.uri("").toString(), "--duration", "500ms", "--rate", "20", "--warmup", "0", "--quiet", "--save");
            assertEquals(1, status, out + "\n" + err);
            assertTrue(err.toString().contains("not saved (404)"), err.toString());
            assertEquals(404, ts.get("/r/AAAAAAAAAAAAAAAAAAAAAA").statusCode(), "--results=false: no results endpoints");
        }
    }
}
