package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.Repository;
import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prometheus' own checker on the stack's configuration, its alert rules and their unit tests, and a live /metrics. */
class PromtoolTest {
    private static final Path RULES_DIR = Repository.root().resolve("grafana/prometheus");

    private static ExternalProcess.Result promtool(Path workingDirectory, String stdin, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Binaries.require("promtool", "prometheus").toString()));
        command.addAll(List.of(args));
        return ExternalProcess.run(command, workingDirectory, stdin);
    }

    @Test
    void promtool_accepts_the_stacks_prometheus_config_and_its_rule_files() {
        ExternalProcess.Result r = promtool(RULES_DIR, "", "check", "config", "prometheus.yml");
        assertEquals(0, r.exitStatus(), r.output());
        assertTrue(r.output().contains("SUCCESS: 1 rule files found"), r.output());
    }

    @Test
    void promtool_accepts_the_config_the_integration_test_derives_from_it() throws Exception {
        try (TempDir dir = new TempDir("pingscope-promtool")) {
            Files.writeString(dir.resolve("prometheus.yml"),
                    Repository.YAML.writeValueAsString(Prometheus.testConfig(List.of("127.0.0.1:1", "127.0.0.1:2"))));
            Files.copy(RULES_DIR.resolve("alerts.yml"), dir.resolve("alerts.yml"));
            ExternalProcess.Result r = promtool(dir.path, "", "check", "config", "prometheus.yml");
            assertEquals(0, r.exitStatus(), r.output());
        }
    }

    @Test
    void promtool_accepts_the_alert_rules() {
        ExternalProcess.Result r = promtool(RULES_DIR, "", "check", "rules", "alerts.yml");
        assertEquals(0, r.exitStatus(), r.output());
        assertTrue(r.output().contains("SUCCESS: 4 rules found"), r.output());
    }

    @Test
    void the_alert_rules_pass_their_unit_tests() {
        ExternalProcess.Result r = promtool(RULES_DIR, "", "test", "rules", "alerts.test.yml");
        assertEquals(0, r.exitStatus(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void promtool_finds_no_problem_in_a_live_metrics_exposition() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().withSites(List.of("https://shop.example")))) {
            ts.send(HttpRequest.newBuilder(ts.uri("/api/samples")).header("Content-Type", "application/json")
                    .header("Origin", "https://shop.example")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[1.5,20,300],\"ws_echo\":[2]}}")));
            ts.post("/api/samples", "application/json", "{\"samples\":{\"nope\":[1]}}");
            ts.endInterval();
            String exposition = ts.get("/metrics").body();
            assertTrue(exposition.contains("pingscope_rtt_seconds_bucket{"), "a non-empty exposition");
            ExternalProcess.Result r = promtool(RULES_DIR, exposition, "check", "metrics");
            assertEquals(0, r.exitStatus(), r.output());
            assertEquals("", r.output().trim(), "no lint findings");
        }
    }
}
