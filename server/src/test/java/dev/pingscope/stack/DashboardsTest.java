package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.Repository;
import dev.pingscope.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards and provisioning, checked by structure (there is no Grafana server here). That
 * every query returns data from a real Prometheus is shown by StackTest.
 */
class DashboardsTest {
    private static final Pattern PINGSCOPE_METRIC = Pattern.compile("\\bpingscope_[a-z_]+\\b");
    private static final Set<String> DASHBOARDS = Set.of("pingscope-overview", "pingscope-instances", "pingscope-sites");

    @Test
    void every_dashboard_is_strict_json_with_its_own_uid_and_unique_panel_ids() throws Exception {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode dashboard = Dashboards.read(file);
            String uid = dashboard.path("uid").asText();
            assertTrue(uids.add(uid), "uid " + uid + " is unique");
            assertEquals(uid + ".json", file.getFileName().toString(), "the file is named after its uid");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                assertTrue(ids.add(panel.path("id").asInt()), uid + ": panel id " + panel.path("id") + " is unique");
                assertFalse(panel.path("title").asText().isBlank(), uid + ": every panel has a title");
                assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"), uid + ": " + panel.path("title"));
            }
            Set<String> variables = new TreeSet<>();
            dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertEquals(Set.of("kind", "site", "instance"), variables, uid + " has variables for kind, site and instance");
        }
        assertEquals(DASHBOARDS, uids);
    }

    @Test
    void every_panel_query_and_variable_uses_the_provisioned_datasource() throws Exception {
        JsonNode provisioned = Repository.yaml("grafana/provisioning/datasources/prometheus.yml").get("datasources").get(0);
        String uid = provisioned.get("uid").asText();
        assertEquals("prometheus", provisioned.get("type").asText());
        for (Path file : Dashboards.files()) {
            for (JsonNode panel : Dashboards.panels(Dashboards.read(file))) {
                assertEquals(uid, panel.path("datasource").path("uid").asText(), file.getFileName() + ": " + panel.path("title"));
            }
        }
        List<Dashboards.Query> queries = Dashboards.queries();
        assertTrue(queries.size() > 20, "queries found: " + queries.size());
        for (Dashboards.Query q : queries) {
            assertEquals(uid, q.datasource().path("uid").asText(), q.toString());
            assertFalse(q.expr().isBlank(), q + " has a query");
        }
        for (Dashboards.Variable v : Dashboards.variables()) {
            assertEquals(uid, v.datasource().path("uid").asText(), v.dashboard() + " $" + v.name());
        }
    }

    @Test
    void the_dashboards_show_what_the_issue_asks_for() throws Exception {
        List<Dashboards.Query> queries = Dashboards.queries();
        Set<String> titles = new TreeSet<>();
        queries.forEach(q -> titles.add(q.dashboard() + " / " + q.panel()));
        String all = String.join("\n", titles);
        for (String wanted : List.of("p50 / p90 / p99 by probe kind", "HEAD minus WebSocket", "RTT heatmap",
                "SmokePing bands", "Server PINGs lost", "Samples per second", "Open WebSocket sessions",
                "pingscope-instances / ", "pingscope-sites / ", "Idle against loaded", "Responsiveness (RPM)")) {
            assertTrue(all.contains(wanted), "a panel for " + wanted + " in:\n" + all);
        }
        assertTrue(queries.stream().anyMatch(q -> q.expr().startsWith("histogram_quantile(0.5, sum by (le, kind) (rate(pingscope_rtt_seconds_bucket{")),
                "percentiles add buckets across instances before the quantile");
        assertTrue(queries.stream().anyMatch(q -> q.panel().startsWith("Idle against loaded") && q.expr().contains("by (le, kind, load)")),
                "idle and loaded side by side, per kind");
        assertTrue(queries.stream().anyMatch(q -> q.panel().startsWith("Responsiveness") && q.expr().startsWith("60 / histogram_quantile(0.5")
                && q.expr().contains("kind=\"ws_ping\"")), "RPM as 60 / the loaded ws_ping median in seconds");
        assertTrue(queries.stream().anyMatch(q -> q.panel().equals("RTT p50 / p99 by region and probe kind")
                && q.expr().startsWith("histogram_quantile(0.99, sum by (le, region, kind) (rate(pingscope_rtt_seconds_bucket{")),
                "regions compared per probe kind, buckets added across each region's instances");
        assertTrue(queries.stream().filter(q -> q.panel().startsWith("RTT p50")).allMatch(q -> q.expr().contains("load=\"idle\"")),
                "the plain latency panels show idle round trips only: a load test's queueing must not raise them");
    }

    @Test
    void every_metric_the_dashboards_and_alerts_query_exists_in_metrics() throws Exception {
        Set<String> exported = new HashSet<>();
        try (TestServer ts = TestServer.start(TestServer.testConfig().withSites(List.of("https://shop.example")))) {
            for (String line : ts.get("/metrics").body().split("\n", -1)) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        List<String> queried = new ArrayList<>();
        Dashboards.queries().forEach(q -> queried.add(q.expr()));
        Dashboards.variables().forEach(v -> queried.add(v.query()));
        Repository.yaml("grafana/prometheus/alerts.yml").get("groups").forEach(
                g -> g.get("rules").forEach(r -> queried.add(r.get("expr").asText())));
        for (String expr : queried) {
            Matcher m = PINGSCOPE_METRIC.matcher(expr);
            boolean any = false;
            while (m.find()) {
                any = true;
                assertTrue(exported.contains(m.group()), m.group() + " (in " + expr + ") is not in /metrics: " + exported);
            }
            assertTrue(any || expr.contains("up{job=\"pingscope\""), "queries a pingscope metric: " + expr);
        }
    }

    @Test
    void grafana_loads_the_dashboards_from_where_compose_mounts_them() {
        JsonNode compose = Repository.yaml("docker-compose.yml");
        List<String> volumes = ComposeFileTest.volumes(compose.get("services").get("grafana"));
        String provider = Repository.yaml("grafana/provisioning/dashboards/pingscope.yml")
                .get("providers").get(0).get("options").get("path").asText();
        assertTrue(volumes.contains("./grafana/dashboards:" + provider + ":ro"), provider + " in " + volumes);
        assertTrue(volumes.contains("./grafana/provisioning:/etc/grafana/provisioning:ro"), volumes.toString());
        String url = Repository.yaml("grafana/provisioning/datasources/prometheus.yml").get("datasources").get(0).get("url").asText();
        assertEquals("http://prometheus:9090", url, "the compose service and its port");
        assertTrue(compose.get("services").has("prometheus"));
    }
}
