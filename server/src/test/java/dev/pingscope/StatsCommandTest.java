package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.tls.SelfSignedCertificate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code pingscope stats}: exact percentiles of several real instances together. */
class StatsCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TestServer fast;
    private TestServer slow;
    private final Histogram reference = RttRecorders.newHistogram();

    @BeforeEach
    void startTwoInstancesWithDifferentValues() throws Exception {
        fast = TestServer.start(TestServer.testConfig().withInstance("fast"));
        slow = TestServer.start(TestServer.testConfig().withInstance("slow"));
        Random random = new Random(11);
        List<Double> fastValues = new ArrayList<>();
        List<Double> slowValues = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            fastValues.add(1 + Math.round(random.nextDouble() * 4_000) / 1_000.0);    // 1 to 5 ms
        }
        for (int i = 0; i < 300; i++) {
            slowValues.add(50 + Math.round(random.nextDouble() * 100_000) / 1_000.0); // 50 to 150 ms
        }
        post(fast, fastValues);
        post(slow, slowValues);
        fast.endInterval();
        slow.endInterval();
    }

    @AfterEach
    void stop() {
        fast.close();
        slow.close();
    }

    private int run(String... args) {
        return Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void json_gives_the_exact_percentiles_of_all_instances_together() throws Exception {
        assertEquals(0, run("stats", "--json", base(fast), base(slow) + "/api/stats"), err.toString());
        JsonNode result = TestServer.JSON.readTree(out.toString());
        assertEquals(List.of("fast", "slow"), List.of(result.get("instances").get(0).asText(), result.get("instances").get(1).asText()));
        JsonNode head = null;
        for (JsonNode s : result.get("series")) {
            if (s.get("kind").asText().equals("http_head") && s.get("source").asText().equals("browser")
                    && s.get("load").asText().equals("idle")) {
                head = s.get("total");
            }
        }
        assertEquals(1_200, head.get("count").asLong());
        assertEquals(reference.getValueAtPercentile(50) / 1000.0, head.get("p50_ms").asDouble());
        assertEquals(reference.getValueAtPercentile(90) / 1000.0, head.get("p90_ms").asDouble());
        assertEquals(reference.getValueAtPercentile(99) / 1000.0, head.get("p99_ms").asDouble());
        assertEquals(reference.getMaxValue() / 1000.0, head.get("max_ms").asDouble());
        // The merged p90 lies among the slow instance's values although the fast one holds 3/4 of the samples.
        assertTrue(head.get("p90_ms").asDouble() > 50, head.toString());
    }

    @Test
    void the_table_has_one_row_per_recorded_series() {
        assertEquals(0, run("stats", base(fast), base(slow)), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals("instances: fast, slow", lines.get(0));
        assertTrue(lines.get(1).matches("kind +source +load +count +min_ms +p50_ms +p90_ms +p99_ms +p99\\.9_ms +max_ms"), lines.get(1));
        assertEquals(3, lines.size(), "header lines and http_head/browser only: " + out);
        String p50 = String.format(Locale.ROOT, "%.3f", reference.getValueAtPercentile(50) / 1000.0);
        assertTrue(lines.get(2).matches("http_head +browser +idle +1200 .*") && lines.get(2).contains(" " + p50 + " "), lines.get(2));
    }

    @Test
    void an_instance_that_does_not_answer_is_an_error_naming_it() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(1, run("stats", base(fast), "http://127.0.0.1:" + closedPort));
        assertEquals("", out.toString(), "no partial result");
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("pingscope stats: http://127.0.0.1:" + closedPort + "/api/stats: "), err.toString());
    }

    @Test
    void the_same_instance_twice_is_refused_because_it_would_count_twice() {
        assertEquals(1, run("stats", base(fast), base(fast) + "/"));
        assertTrue(err.toString().contains("instance fast answered twice"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void something_that_is_not_pingscope_is_an_error() {
        assertEquals(1, run("stats", base(fast) + "/healthz/api/stats"));
        assertTrue(err.toString().contains("answered HTTP 404"), err.toString());
    }

    @Test
    void an_https_instance_with_a_self_signed_certificate_needs_insecure() {
        try (TestServer tls = TestServer.start(TestServer.testConfig().withTls(SelfSignedCertificate.create()).withInstance("tls"))) {
            String url = "https://localhost:" + tls.server.port();
            assertEquals(1, run("stats", url));
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("pingscope stats: " + url + "/api/stats: TLS: the server's certificate is not trusted")
                    && err.toString().contains("--insecure"), err.toString());
            assertEquals(0, run("stats", "--insecure", url, base(fast)), err.toString());
            assertEquals("instances: tls, fast", out.toString().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void a_url_that_is_not_http_is_a_usage_error() {
        assertEquals(2, run("stats", "ftp://example.com"));
        assertTrue(err.toString().startsWith("pingscope stats: ") && err.toString().contains("not an http(s) URL"), err.toString());
        assertEquals(2, run("stats"));
    }

    @Test
    void help_names_every_option_and_takes_none_from_the_environment() {
        assertEquals(0, run("stats", "--help"));
        CommandLine stats = Cli.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err)).getSubcommands().get("stats");
        for (CommandLine.Model.OptionSpec option : stats.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                assertTrue(out.toString().contains(option.longestName()), option.longestName());
            }
        }
        // Only the server reads PINGSCOPE_* variables: a stray PINGSCOPE_TIMEOUT must not change stats.
        assertEquals(2, Cli.commandLine(Map.of("PINGSCOPE_TIMEOUT", "nonsense"), new PrintWriter(out), new PrintWriter(err))
                .execute("stats", "ftp://x"), "fails on the URL, not on the variable");
        assertTrue(!err.toString().contains("--timeout"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("stats"), "the top command lists it: " + out);
    }

    private static String base(TestServer ts) {
        return "http://127.0.0.1:" + ts.server.port();
    }

    private void post(TestServer ts, List<Double> values) throws Exception {
        for (double v : values) {
            reference.recordValue(Math.round(v * 1_000));
        }
        String body = values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(",", "{\"samples\":{\"http_head\":[", "]}}"));
        assertEquals(200, ts.post("/api/samples", "application/json", body).statusCode());
    }
}
