package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Site;
import dev.pingscope.recording.SiteSeries;
import dev.pingscope.sample.Sites;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Native histogram buckets hold the same values as the classic ones; the text formats keep showing classic buckets,
 * and the protobuf exposition carries both, as read from the wire by {@link ProtobufMessage}.
 */
class NativeHistogramTest {

    @ParameterizedTest(name = "{0} s is in bucket {1}")
    @CsvSource({
        "1.0, 0",           // bucket 0 is (2^-1/8, 1]: an exact bound belongs to the bucket below it
        "1.0001, 1",
        "2.0, 8",
        "0.5, -8",
        "0.000001, -159",   // 1 µs, the smallest value recorded
        "60, 48",           // the largest
        "0.02, -45",
    })
    void a_value_goes_to_the_bucket_whose_upper_bound_is_the_first_at_or_above_it(double seconds, int index) {
        assertEquals(index, NativeBuckets.indexOf(seconds));
        assertTrue(NativeBuckets.upperBound(index) >= seconds);
        assertTrue(NativeBuckets.upperBound(index - 1) < seconds);
    }

    @Test
    void native_buckets_count_the_same_values_as_a_direct_computation() {
        Random random = new Random(3);
        Histogram micros = RttRecorders.newHistogram();
        Map<Integer, Long> expected = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            long value = Math.max(1, Math.round(Math.exp(Math.log(20_000) + random.nextGaussian() * 1.5)));
            value = Math.min(value, RttRecorders.HIGHEST_MICROS);
            micros.recordValue(value);
            double seconds = micros.medianEquivalentValue(value) / 1e6;
            expected.merge((int) Math.ceil(Math.log(seconds) / Math.log(2) * 8 - 1e-12), 1L, Long::sum);
        }
        Map<Integer, Long> actual = new TreeMap<>();
        for (NativeHistogramBucket b : NativeBuckets.of(micros)) {
            actual.put(b.getBucketIndex(), b.getCount());
        }
        assertEquals(expected, actual);
    }

    @Test
    void each_rtt_data_point_carries_classic_and_native_buckets_with_the_same_count() {
        Sites sites = Sites.of(List.of());
        RttHistogramCollector collector = new RttHistogramCollector(SiteSeries.all(sites), "default");
        Histogram micros = RttRecorders.newHistogram();
        for (long v : new long[] {900, 4_000, 4_000, 250_000}) {
            micros.recordValue(v);
        }
        collector.update(s -> Site.DIRECT.equals(s.site()) && s.kind().wireName().equals("http_head") ? micros : null);
        for (HistogramDataPointSnapshot point : ((HistogramSnapshot) collector.collect()).getDataPoints()) {
            assertTrue(point.hasClassicHistogramData() && point.hasNativeHistogramData(), point.getLabels().toString());
            assertEquals(NativeBuckets.SCHEMA, point.getNativeSchema());
            long nativeCount = point.getNativeZeroCount();
            for (NativeHistogramBucket b : point.getNativeBucketsForPositiveValues()) {
                nativeCount += b.getCount();
            }
            assertEquals(point.getCount(), nativeCount, point.getLabels().toString());
        }
    }

    @Test
    void the_text_formats_show_the_classic_buckets_and_the_protobuf_format_carries_native_ones() throws Exception {
        // Round-trip times in ms, none on a native bucket bound (e.g. 250 ms would be 2^-2 s, exactly one).
        double[] ms = {0.9, 4.0, 4.0, 240.0};
        try (TestServer ts = TestServer.start()) {
            ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[0.9,4.0,4.0,240.0]}}");
            ts.endInterval();
            String series = "{kind=\"http_head\",load=\"idle\",region=\"default\",site=\"direct\",source=\"browser\"";
            String text = ts.get("/metrics").body();
            assertEquals(32, text.lines().filter(l -> l.startsWith("pingscope_rtt_seconds_bucket" + series)).count());
            assertTrue(text.contains("pingscope_rtt_seconds_bucket" + series + ",le=\"0.005\"} 3"), text);
            String openMetrics = ts.send(HttpRequest.newBuilder(ts.uri("/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0")).body();
            assertTrue(openMetrics.contains("pingscope_rtt_seconds_bucket" + series + ",le=\"0.005\"} 3"), openMetrics);
            assertFalse(text.contains("schema") || openMetrics.contains("schema"), "no native fields in text");

            HttpResponse<byte[]> protobuf = ts.http.send(HttpRequest.newBuilder(ts.uri("/metrics"))
                    .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(protobuf.headers().firstValue("Content-Type").orElseThrow().contains("protobuf"));
            ProtobufMessage family = ProtobufMessage.readDelimited(protobuf.body()).stream()
                    .filter(f -> f.string(FAMILY_NAME).equals("pingscope_rtt_seconds"))
                    .findFirst().orElseThrow(() -> new AssertionError("no pingscope_rtt_seconds family"));
            assertEquals(TYPE_HISTOGRAM, family.unsigned(FAMILY_TYPE));

            List<ProtobufMessage> metrics = family.messages(FAMILY_METRIC);
            long textSeries = text.lines().filter(l -> l.startsWith("pingscope_rtt_seconds_count{")).count();
            assertEquals(textSeries, metrics.size(), "the same series in both formats");
            ProtobufMessage withData = null;
            for (ProtobufMessage metric : metrics) {
                ProtobufMessage h = metric.messages(METRIC_HISTOGRAM).get(0);
                assertEquals(NativeBuckets.SCHEMA, h.signed(H_SCHEMA), "every RTT series is native: " + labels(metric));
                assertEquals(NativeBuckets.ZERO_THRESHOLD, h.doubleValue(H_ZERO_THRESHOLD));
                if (labels(metric).equals(Map.of("kind", "http_head", "load", "idle", "region", "default", "site", "direct",
                        "source", "browser"))) {
                    withData = h;
                }
            }
            assertNotNull(withData, "the series the batch went to");

            Map<Integer, Long> expected = new TreeMap<>();
            for (double v : ms) {
                // Schema 3: bucket i holds (2^((i-1)/8), 2^(i/8)] seconds.
                expected.merge((int) Math.ceil(Math.log(v / 1000) / Math.log(2) * 8), 1L, Long::sum);
            }
            assertEquals(Map.of(-80, 1L, -63, 2L, -16, 1L), expected, "the arithmetic of this test");
            assertEquals(expected, positiveBuckets(withData), "native buckets on the wire");
            assertEquals(4, withData.unsigned(H_SAMPLE_COUNT));
            assertEquals(0, withData.unsigned(H_ZERO_COUNT));
            assertFalse(withData.has(H_NEGATIVE_SPAN), "no negative RTTs");
            assertEquals(0.2489, withData.doubleValue(H_SAMPLE_SUM), 0.2489 * 0.001);

            // The classic buckets travel in the same message (Prometheus without native histograms reads those).
            Map<Double, Long> classic = new TreeMap<>();
            for (ProtobufMessage b : withData.messages(H_BUCKET)) {
                classic.put(b.doubleValue(B_UPPER_BOUND), b.unsigned(B_CUMULATIVE_COUNT));
            }
            assertEquals(3, classic.get(0.005), classic.toString());
            assertEquals(3, classic.get(0.2), classic.toString());
            assertEquals(4, classic.get(0.3), classic.toString());
        }
    }

    // Field numbers of io.prometheus.client in prometheus/client_model's metrics.proto, the published schema of
    // this exposition format: the test reads the wire itself rather than through client_java's internal classes.
    private static final int FAMILY_NAME = 1;
    private static final int FAMILY_TYPE = 3;
    private static final int FAMILY_METRIC = 4;
    private static final long TYPE_HISTOGRAM = 4;
    private static final int METRIC_LABEL = 1;
    private static final int METRIC_HISTOGRAM = 7;
    private static final int LABEL_NAME = 1;
    private static final int LABEL_VALUE = 2;
    private static final int H_SAMPLE_COUNT = 1;
    private static final int H_SAMPLE_SUM = 2;
    private static final int H_BUCKET = 3;
    private static final int H_SCHEMA = 5;
    private static final int H_ZERO_THRESHOLD = 6;
    private static final int H_ZERO_COUNT = 7;
    private static final int H_NEGATIVE_SPAN = 9;
    private static final int H_POSITIVE_SPAN = 12;
    private static final int H_POSITIVE_DELTA = 13;
    private static final int B_CUMULATIVE_COUNT = 1;
    private static final int B_UPPER_BOUND = 2;
    private static final int SPAN_OFFSET = 1;
    private static final int SPAN_LENGTH = 2;

    private static Map<String, String> labels(ProtobufMessage metric) {
        Map<String, String> labels = new TreeMap<>();
        for (ProtobufMessage pair : metric.messages(METRIC_LABEL)) {
            labels.put(pair.string(LABEL_NAME), pair.string(LABEL_VALUE));
        }
        return labels;
    }

    /**
     * Bucket index to count, from the spans and deltas: each span starts {@code offset} buckets after the end of
     * the previous one (the first at {@code offset}), and each count is the previous count plus its delta.
     */
    private static Map<Integer, Long> positiveBuckets(ProtobufMessage h) {
        List<Long> deltas = h.signedList(H_POSITIVE_DELTA);
        Map<Integer, Long> buckets = new TreeMap<>();
        int index = 0;
        int next = 0;
        long count = 0;
        for (ProtobufMessage span : h.messages(H_POSITIVE_SPAN)) {
            index += (int) span.signed(SPAN_OFFSET);
            for (long i = 0; i < span.unsigned(SPAN_LENGTH); i++) {
                count += deltas.get(next++);
                if (count != 0) {
                    buckets.put(index, count);
                }
                index++;
            }
        }
        assertEquals(deltas.size(), next, "one delta per bucket of the spans");
        return buckets;
    }
}
