package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Native histogram buckets hold the same values as the classic ones; the text formats keep showing classic buckets. */
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
        RttHistogramCollector collector = new RttHistogramCollector(SiteSeries.all(sites));
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
        try (TestServer ts = TestServer.start()) {
            ts.post("/api/samples", "application/json", "{\"samples\":{\"http_head\":[0.9,4.0,4.0,250.0]}}");
            ts.endInterval();
            String series = "{kind=\"http_head\",site=\"direct\",source=\"browser\"";
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
            String decoded = decodeProtobuf(protobuf.body());
            String withData = java.util.Arrays.stream(decoded.split("metric \\{"))
                    .filter(m -> m.contains("\"http_head\"") && m.contains("\"direct\"") && m.contains("\"browser\""))
                    .findFirst().orElseThrow();
            assertEquals(7, decoded.split("schema: 3").length - 1, "every RTT series is native with schema 3");
            assertTrue(withData.contains("sample_count: 4") && withData.contains("positive_span"), withData);
            assertTrue(withData.contains("upper_bound: 0.005"), "and keeps its classic buckets");
        }
    }

    /**
     * The protobuf exposition as protobuf text, decoded with the classes client_java ships (their package name
     * carries the protobuf version, so it is looked up rather than imported).
     */
    private static String decodeProtobuf(byte[] body) throws Exception {
        java.net.URL jar = io.prometheus.metrics.expositionformats.internal.PrometheusProtobufWriterImpl.class
                .getProtectionDomain().getCodeSource().getLocation();
        String className;
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(jar.openStream())) {
            java.util.zip.ZipEntry entry;
            do {
                entry = zip.getNextEntry();
            } while (entry != null && !entry.getName().matches(".*/generated/com_google_protobuf_[^/]+/Metrics\\$MetricFamily\\.class"));
            className = entry.getName().replace('/', '.').replace(".class", "");
        }
        java.lang.reflect.Method parse = Class.forName(className).getMethod("parseDelimitedFrom", java.io.InputStream.class);
        java.io.InputStream in = new java.io.ByteArrayInputStream(body);
        StringBuilder text = new StringBuilder();
        for (Object family = parse.invoke(null, in); family != null; family = parse.invoke(null, in)) {
            text.append(family).append('\n');
        }
        return text.toString();
    }
}
