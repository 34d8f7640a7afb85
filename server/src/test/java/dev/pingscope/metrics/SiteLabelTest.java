package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The site label of the RTT metric: taken from a browser sample's Origin, but only ever from the fixed set. */
class SiteLabelTest {
    private static final String SHOP = "https://shop.example";
    private static final String BLOG = "https://blog.example";

    TestServer ts;

    @BeforeEach
    void start() {
        ts = TestServer.start(TestServer.testConfig().withSites(List.of(SHOP, "HTTPS://Blog.Example")));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    @Test
    void a_browser_sample_from_a_listed_origin_is_labelled_with_that_origin() throws Exception {
        postFrom(SHOP, "{\"samples\":{\"http_head\":[10.0,11.0],\"ws_echo\":[2.0]}}");
        postFrom(BLOG, "{\"samples\":{\"http_head\":[30.0]}}");
        ts.endInterval();
        assertEquals(2.0, rttCount("http_head", "browser", SHOP));
        assertEquals(1.0, rttCount("ws_echo", "browser", SHOP));
        assertEquals(1.0, rttCount("http_head", "browser", BLOG), "listed in another case, matched in lower case");
        assertEquals(0.0, rttCount("http_head", "browser", "other"));
    }

    @Test
    void a_browser_sample_from_an_origin_not_listed_counts_as_other() throws Exception {
        postFrom("https://elsewhere.example", "{\"samples\":{\"http_head\":[10.0]}}");
        postFrom("null", "{\"samples\":{\"http_head\":[12.0]}}");
        ts.endInterval();
        assertEquals(2.0, rttCount("http_head", "browser", "other"));
        assertEquals(Set.of("none", "direct", "other", SHOP, BLOG), siteLabels(), "no label was added");
    }

    @Test
    void a_browser_sample_from_pingscopes_own_page_counts_as_direct() throws Exception {
        ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[10.0]}}");
        // Browsers send Origin on a same-origin POST too: its host and port are the request's Host.
        postFrom("http://127.0.0.1:" + ts.server.port(), "{\"samples\":{\"http_head\":[11.0]}}");
        ts.endInterval();
        assertEquals(2.0, rttCount("http_head", "browser", "direct"));
    }

    @Test
    void synthetic_and_server_timed_samples_have_no_site() throws Exception {
        postFrom(SHOP, "{\"source\":\"synthetic\",\"samples\":{\"http_head\":[10.0]}}");
        ts.endInterval();
        assertEquals(1.0, rttCount("http_head", "synthetic", "none"));
        assertEquals(0.0, rttCount("http_head", "browser", SHOP));
        assertEquals(0.0, rttCount("ws_ping", "server", "none"), "the server's own series exists with site none");
    }

    @Test
    void stats_add_the_sites_of_a_kind_and_source_together() throws Exception {
        postFrom(SHOP, "{\"samples\":{\"http_head\":[10.0]}}");
        postFrom("https://elsewhere.example", "{\"samples\":{\"http_head\":[20.0]}}");
        ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[30.0]}}");
        JsonNode head = TestServer.series(ts.endInterval(), "http_head", "browser", "total");
        assertEquals(3, head.get("count").asLong());
        assertEquals(20.0, head.get("p50_ms").asDouble(), 0.02);
        assertEquals(48, ts.endInterval().get("series").size(), "still every kind for every source and load condition");
    }

    @Test
    void only_series_that_can_occur_are_exported() throws Exception {
        Set<String> series = new TreeSet<>();
        for (String line : ts.get("/metrics").body().split("\n", -1)) {
            if (line.startsWith("pingscope_rtt_seconds_count{")) {
                series.add(line.substring(line.indexOf('{'), line.indexOf('}') + 1));
            }
        }
        Set<String> expected = new TreeSet<>();
        for (String load : List.of("idle", "download", "upload", "both")) {
            for (String kind : List.of("http_head", "ws_echo")) {
                for (String site : List.of("direct", "other", SHOP, BLOG)) {
                    expected.add("{kind=\"" + kind + "\",load=\"" + load + "\",region=\"default\",site=\"" + site + "\",source=\"browser\"}");
                }
                expected.add("{kind=\"" + kind + "\",load=\"" + load + "\",region=\"default\",site=\"none\",source=\"synthetic\"}");
            }
            expected.add("{kind=\"ws_ping\",load=\"" + load + "\",region=\"default\",site=\"none\",source=\"server\"}");
            for (String site : List.of("direct", "other", SHOP, BLOG)) { // udp_echo: browsers only
                expected.add("{kind=\"udp_echo\",load=\"" + load + "\",region=\"default\",site=\"" + site + "\",source=\"browser\"}");
            }
        }
        assertEquals(expected, series);
        assertEquals(4 * (2 * (2 + 2) + 2 + 1 + 4), series.size(),
                "(kinds x (direct, other, listed sites) + synthetic + server + udp_echo's sites) x loads");
    }

    private void postFrom(String origin, String body) throws Exception {
        assertEquals(200, ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                .header("Content-Type", "application/json").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode());
    }

    private double rttCount(String kind, String source, String site) throws Exception {
        return ts.metric("pingscope_rtt_seconds_count{kind=\"" + kind + "\",load=\"idle\",region=\"default\",site=\"" + site + "\",source=\"" + source + "\"}");
    }

    private Set<String> siteLabels() throws Exception {
        Set<String> sites = new TreeSet<>();
        for (String line : ts.get("/metrics").body().split("\n", -1)) {
            int at = line.indexOf("site=\"");
            if (line.startsWith("pingscope_") && at >= 0) {
                sites.add(line.substring(at + 6, line.indexOf('"', at + 6)));
            }
        }
        return sites;
    }
}
