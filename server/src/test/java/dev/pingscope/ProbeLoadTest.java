package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code probe --load} on loopback: the loaded phase, its report, and samples that say their condition. */
@ResourceLock(TestResources.BANDWIDTH)
class ProbeLoadTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int probe(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "probe";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(all);
    }

    @Test
    void a_download_load_reports_idle_and_loaded_per_kind_goodput_rpm_and_reports_samples_under_their_condition()
            throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().unlimited())) {
            int status = probe(ts.uri("").toString(), "--load", "download", "--duration", "2s", "--load-duration", "8s", "--load-interval", "1s",
                    "--rate", "50", "--warmup", "2", "--json", "--quiet", "--report-to", ts.uri("").toString());
            assertEquals(0, status, out + " " + err);
            JsonNode result = TestServer.JSON.readTree(out.toString());
            JsonNode load = result.get("load");
            assertEquals("download", load.get("direction").asText());
            int streams = load.get("streams").asInt();
            assertTrue(streams >= 1 && streams <= 16, "streams " + streams);
            assertTrue(load.get("goodput_mbps").asDouble() > 10, "loopback carries far more than 10 Mbit/s: " + load);
            assertEquals(0.0, load.get("upload_mbps").asDouble(), "a download loads one direction");
            assertTrue(load.get("rpm").get("loaded").asDouble() > 0 && load.get("rpm").get("idle").asDouble() > 0, load.toString());
            assertTrue(List.of("low", "medium", "high").contains(load.get("confidence").asText()), load.toString());
            assertTrue(List.of("poor", "fair", "good", "excellent").contains(load.get("rpm_band").asText()), load.toString());
            JsonNode outcomes = result.get("outcomes");
            assertEquals(4, outcomes.size(), outcomes.toString());
            for (JsonNode o : outcomes) {
                assertTrue(o.get("conditions").has("idle") && o.get("conditions").has("download"), "both phases judged: " + o);
            }
            assertTrue(load.get("foreign").get("loaded").get("http").get("count").asLong() > 10, "foreign probes ran under load");
            // the self probes are the server's kernel RTT of the download connections (loopback: well under 50 ms)
            assertEquals("tcp_info", load.get("self").get("source").asText(), load.toString());
            double self = load.get("self").get("trimmed_mean_ms").asDouble();
            assertTrue(self > 0 && self < 50, "TM(http_l) " + self);
            assertEquals(1, load.get("rpm").get("interval_s").asInt());
            assertTrue(load.get("loaded_to_ms").asLong() > load.get("loaded_from_ms").asLong(), load.toString());
            for (String kind : List.of("http_head", "ws_echo", "ws_ping")) {
                JsonNode k = result.get("kinds").get(kind);
                assertTrue(k.get("answered").asLong() > 0, kind + " idle");
                assertTrue(k.get("loaded").get("answered").asLong() > 0, kind + " loaded");
                assertEquals("download", k.get("loaded").get("load").asText());
                assertTrue(k.get("increase_ms").has("p50"), k.toString());
            }
            JsonNode stats = ts.endInterval();
            long idleHead = TestServer.series(stats, "http_head", "synthetic", "idle", "total").get("count").asLong();
            long loadedHead = TestServer.series(stats, "http_head", "synthetic", "download", "total").get("count").asLong();
            assertEquals(result.get("kinds").get("http_head").get("answered").asLong(), idleHead, "idle samples reported as idle");
            assertEquals(result.get("kinds").get("http_head").get("loaded").get("answered").asLong(), loadedHead,
                    "the saturated window's samples reported as download, and no ramp sample");
            assertTrue(TestServer.series(stats, "ws_ping", "server", "download", "total").get("count").asLong() > 0,
                    "the loaded phase's WebSocket had the server record its PINGs under download");
            assertEquals(0, TestServer.series(stats, "http_head", "synthetic", "upload", "total").get("count").asLong());
        }
    }

    @Test
    void an_upload_load_counts_its_goodput_upward_and_the_summary_says_so() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int status = probe(ts.uri("").toString(), "--load", "upload", "--duration", "1s", "--load-duration", "8s", "--load-interval", "1s",
                    "--rate", "20", "--warmup", "1", "--kinds", "http_head,ws_echo", "--quiet");
            assertEquals(0, status, out + " " + err);
            String summary = out.toString();
            assertTrue(summary.contains("under load (upload)"), summary);
            assertTrue(summary.contains("RPM (draft-ietf-ippm-responsiveness-09): idle "), summary);
            assertTrue(summary.contains("self: the kernel's RTT of the load connections (TCP_INFO)"), "the probe's own upload sockets: " + summary);
            assertTrue(summary.matches("(?s).*goodput [0-9.]+ Mbit/s.*"), summary);
            assertTrue(summary.matches("(?s).*\n  responsiveness: \\d+ RPM loaded is (poor|fair|good|excellent) .*"), summary);
            assertTrue(summary.matches("(?s).*\n  (good|fair|poor) for video calls: .*"), summary);
        }
    }

    @Test
    void a_load_direction_that_is_not_one_is_a_usage_error() {
        assertEquals(2, probe("http://localhost:1", "--load", "sideways"));
        assertTrue(err.toString().contains("'sideways' is not a direction (download, upload, both)"), err.toString());
        assertEquals(2, probe("http://localhost:1", "--load", "download", "--kinds", "ws_echo"));
        assertTrue(err.toString().contains("needs http_head"), err.toString());
        assertEquals(2, probe("http://localhost:1", "--load", "download", "--load-interval", "1500ms"));
        assertTrue(err.toString().contains("'--load-interval': 1500ms is not a whole number of seconds from 1s to 10s"), err.toString());
        assertEquals(2, probe("http://localhost:1", "--load", "download", "--load-duration", "30s"));
        assertTrue(err.toString().contains("'--load-duration': 30s is outside 40s to 1h (8 intervals of --load-interval"), err.toString());
    }
}
