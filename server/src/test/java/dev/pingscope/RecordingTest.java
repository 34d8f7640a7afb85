package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.recording.HistogramCodec;
import dev.pingscope.recording.RttRecorders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Values go in through the real intake; /api/stats must report exactly what a plain HdrHistogram holding
 * the same values reports, and the interval histograms must add up to the total.
 */
class RecordingTest {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    @Test
    void stats_percentiles_equal_a_reference_histogram_and_intervals_add_up_to_the_total() throws Exception {
        Random random = new Random(42);
        Histogram reference = RttRecorders.newHistogram();
        Histogram sumOfIntervals = RttRecorders.newHistogram();
        try (TestServer ts = TestServer.start()) {
            JsonNode stats = null;
            for (int interval = 0; interval < 4; interval++) {
                List<Double> batch = new ArrayList<>();
                for (int i = 0; i < 900; i++) {
                    // Log-normal around 20 ms, with a long tail: what real RTTs look like.
                    double ms = Math.min(60_000, Math.exp(Math.log(20) + random.nextGaussian() * 0.8));
                    double rounded = Math.round(ms * 1_000) / 1_000.0;
                    batch.add(rounded);
                    reference.recordValue(Math.max(1, Math.round(rounded * 1_000)));
                }
                post(ts, batch);
                stats = ts.endInterval();
                JsonNode intervalStats = TestServer.series(stats, "http_head", "browser", "interval");
                assertEquals(900, intervalStats.get("count").asLong());
                sumOfIntervals.add(HistogramCodec.decode(intervalStats.get("histogram").asText()));
            }
            JsonNode total = TestServer.series(stats, "http_head", "browser", "total");
            Histogram decodedTotal = HistogramCodec.decode(total.get("histogram").asText());
            assertEquals(reference, decodedTotal, "the published total holds exactly the recorded values");
            assertEquals(decodedTotal, sumOfIntervals, "interval histograms add up to the total");
            assertEquals(reference.getTotalCount(), total.get("count").asLong());
            assertEquals(reference.getValueAtPercentile(50) / 1000.0, total.get("p50_ms").asDouble());
            assertEquals(reference.getValueAtPercentile(90) / 1000.0, total.get("p90_ms").asDouble());
            assertEquals(reference.getValueAtPercentile(99) / 1000.0, total.get("p99_ms").asDouble());
            assertEquals(reference.getValueAtPercentile(99.9) / 1000.0, total.get("p99_9_ms").asDouble());
            assertEquals(reference.getMinValue() / 1000.0, total.get("min_ms").asDouble());
            assertEquals(reference.getMaxValue() / 1000.0, total.get("max_ms").asDouble());
            assertEquals(reference.getMean() / 1000.0, total.get("mean_ms").asDouble(), 1e-9);
            assertEquals(reference.getStdDeviation() / 1000.0, total.get("stddev_ms").asDouble(), 1e-9);
        }
    }

    @Test
    void histograms_of_two_servers_merge_into_exact_percentiles_of_all_their_values() throws Exception {
        Random random = new Random(7);
        Histogram reference = RttRecorders.newHistogram();
        List<Double> fast = new ArrayList<>();
        List<Double> slow = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            fast.add(1 + Math.round(random.nextDouble() * 5_000) / 1_000.0);  // 1 to 6 ms
            slow.add(40 + Math.round(random.nextDouble() * 80_000) / 1_000.0); // 40 to 120 ms
        }
        for (double v : fast) reference.recordValue(Math.round(v * 1_000));
        for (double v : slow.subList(0, 200)) reference.recordValue(Math.round(v * 1_000));
        try (TestServer a = TestServer.start(); TestServer b = TestServer.start()) {
            post(a, fast);
            post(b, slow.subList(0, 200));
            Histogram merged = RttRecorders.newHistogram();
            for (TestServer ts : List.of(a, b)) {
                JsonNode total = TestServer.series(ts.endInterval(), "http_head", "browser", "total");
                merged.add(HistogramCodec.decode(total.get("histogram").asText()));
            }
            assertEquals(1_000, merged.getTotalCount());
            for (double p : PERCENTILES) {
                assertEquals(reference.getValueAtPercentile(p), merged.getValueAtPercentile(p), "p" + p);
            }
            // The merged p90 lies in the slow server's range although neither server's own p90 says so.
            assertEquals(true, merged.getValueAtPercentile(90) > 40_000);
        }
    }

    private static void post(TestServer ts, List<Double> values) throws Exception {
        String body = values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(",", "{\"samples\":{\"http_head\":[", "]}}"));
        assertEquals(200, ts.post("/api/samples", "application/json", body).statusCode());
    }
}
