package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void metrics_expose_rtt_histograms_counters_and_the_session_gauge() throws Exception {
        try (TestServer ts = TestServer.start()) {
            ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[0.9,4.0,4.0,250.0]}}");
            ts.post("/api/samples", "application/json", "{\"samples\":{\"nope\":[1]}}");
            ts.endInterval();
            String kindSource = "kind=\"http_head\",load=\"idle\",region=\"default\",site=\"direct\",source=\"browser\"";
            assertEquals(4.0, ts.metric("pingscope_rtt_seconds_count{" + kindSource + "}"));
            assertEquals(1.0, ts.metric("pingscope_rtt_seconds_bucket{" + kindSource + ",le=\"0.001\"}"));
            assertEquals(3.0, ts.metric("pingscope_rtt_seconds_bucket{" + kindSource + ",le=\"0.005\"}"));
            assertEquals(3.0, ts.metric("pingscope_rtt_seconds_bucket{" + kindSource + ",le=\"0.2\"}"));
            assertEquals(4.0, ts.metric("pingscope_rtt_seconds_bucket{" + kindSource + ",le=\"0.3\"}"));
            assertEquals(4.0, ts.metric("pingscope_rtt_seconds_bucket{" + kindSource + ",le=\"+Inf\"}"));
            assertEquals(0.2589, ts.metric("pingscope_rtt_seconds_sum{" + kindSource + "}"), 0.001);
            assertEquals(0.0, ts.metric("pingscope_rtt_seconds_count{kind=\"ws_ping\",load=\"idle\",region=\"default\",site=\"none\",source=\"server\"}"),
                    "every series exists from the start");
            assertEquals(4.0, ts.metric("pingscope_samples_accepted_total{kind=\"http_head\",region=\"default\",source=\"browser\"}"));
            assertEquals(1.0, ts.metric("pingscope_intake_rejected_total{reason=\"unknown_kind\"}"));
            assertEquals(0.0, ts.metric("pingscope_probes_lost_total{kind=\"ws_ping\",region=\"default\"}"));
            assertEquals(0.0, ts.metric("pingscope_websocket_sessions{region=\"default\"}"));
        }
    }

    @Test
    void metrics_use_bounded_buckets() throws Exception {
        try (TestServer ts = TestServer.start()) {
            long buckets = ts.get("/metrics").body().lines()
                    .filter(l -> l.startsWith("pingscope_rtt_seconds_bucket{kind=\"ws_echo\",load=\"idle\",region=\"default\",site=\"direct\",source=\"browser\""))
                    .count();
            assertEquals(32, buckets, "31 bounds from 100 µs to 60 s, and +Inf");
        }
    }

    @Test
    void a_protobuf_scrape_gets_the_protobuf_format() throws Exception {
        try (TestServer ts = TestServer.start()) {
            HttpResponse<byte[]> r = ts.http.send(HttpRequest.newBuilder(ts.uri("/metrics"))
                    .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/vnd.google.protobuf"));
            assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("pingscope_rtt_seconds"));
        }
    }

    @Test
    void healthz_answers_ok() throws Exception {
        try (TestServer ts = TestServer.start()) {
            HttpResponse<String> r = ts.get("/healthz");
            assertEquals(200, r.statusCode());
            assertEquals("ok", r.body());
        }
    }
}
