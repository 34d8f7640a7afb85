package dev.pingscope.metrics;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The region label: the instance's own --region on the series an operator compares across regions, one value
 * per instance, so it never adds a series.
 */
class RegionLabelTest {
    private static final List<String> LABELLED = List.of(
            "pingscope_rtt_seconds_", "pingscope_samples_accepted_total{", "pingscope_probes_lost_total{",
            "pingscope_websocket_sessions{");

    @Test
    void every_compared_series_carries_the_instances_region_and_no_more_series_exist() throws Exception {
        Set<String> withDefault;
        try (TestServer ts = TestServer.start()) {
            ts.endInterval();
            withDefault = SeriesCardinalityTest.seriesOf(ts.get("/metrics").body().replace("region=\"default\"", "region=\"R\""));
        }
        TestConfig config = TestServer.testConfig().with("--region", "eu-west.1");
        try (TestServer ts = TestServer.start(config)) {
            ts.send(HttpRequest.newBuilder(ts.uri("/api/samples"))
                    .header("Content-Type", "application/json")
                    .header("Origin", "https://made-up.example")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[12.5,13.0],\"ws_echo\":[2.0]}}")));
            ts.endInterval();
            String exposition = ts.get("/metrics").body();

            assertEquals(2.0, ts.metric("pingscope_rtt_seconds_count{kind=\"http_head\",load=\"idle\",region=\"eu-west.1\","
                    + "site=\"other\",source=\"browser\"}"));
            assertEquals(2.0, ts.metric("pingscope_samples_accepted_total{kind=\"http_head\",region=\"eu-west.1\",source=\"browser\"}"));
            assertEquals(0.0, ts.metric("pingscope_probes_lost_total{kind=\"ws_ping\",region=\"eu-west.1\"}"));
            assertEquals(0.0, ts.metric("pingscope_websocket_sessions{region=\"eu-west.1\"}"));

            int labelled = 0;
            for (String line : exposition.split("\n", -1)) {
                if (LABELLED.stream().anyMatch(line::startsWith)) {
                    assertTrue(line.contains("region=\"eu-west.1\""), line);
                    labelled++;
                }
            }
            assertTrue(labelled > 28 * 33, "the RTT histograms' lines and the others: " + labelled);
            assertFalse(exposition.contains("region=\"default\""), "only the instance's own region");
            assertEquals(withDefault, SeriesCardinalityTest.seriesOf(exposition.replace("region=\"eu-west.1\"", "region=\"R\"")),
                    "the same series as with the default region: the label adds none");
        }
    }
}
