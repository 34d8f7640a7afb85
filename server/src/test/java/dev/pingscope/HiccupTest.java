package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The server's own pauses: while the JVM the server runs in is made to stop (full collections of a large
 * live heap, forced by this test), the hiccup recorder must show them in /api/stats and /metrics within one
 * recording interval, and /api/pauses must report them for the window that holds them.
 */
@Isolated // timing and allocation: a busy neighbour would move its figures
class HiccupTest {
    /** Small linked objects, about 32 bytes each: enough of them that marking and compacting takes a while. */
    private static final int NODES = 8_000_000;
    private static final int COLLECTIONS = 4;

    /** Kept reachable while the collections run, so each has the whole graph to mark and move. */
    private Node heap;

    private static final class Node {
        final Node next;
        final long value;

        Node(Node next, long value) {
            this.next = next;
            this.value = value;
        }
    }

    @Test
    void full_collections_of_a_large_heap_show_as_pauses_in_stats_metrics_and_api_pauses() throws Exception {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertEquals("false", hotspot.getVMOption("ExplicitGCInvokesConcurrent").getValue(),
                "System.gc() must stop the world for this test to make the server pause");
        try (TestServer ts = TestServer.start()) {
            Thread.sleep(300); // the recorder is running
            ts.endInterval(); // what came before the collections is not this interval's

            long longestPauseMs = collectRepeatedly();
            assertTrue(longestPauseMs >= 20, "the forced collections paused the JVM long enough to see: " + longestPauseMs + " ms");
            double expectedMs = longestPauseMs / 2.0;

            JsonNode stats = ts.endInterval();
            JsonNode interval = stats.get("hiccups").get("interval");
            assertTrue(interval.get("count").asLong() > 0, interval.toString());
            assertTrue(interval.get("max_ms").asDouble() >= expectedMs,
                    "the interval's longest hiccup covers the longest collection (" + longestPauseMs + " ms): " + interval);
            assertTrue(interval.get("p99_9_ms").asDouble() <= interval.get("max_ms").asDouble(), interval.toString());
            System.out.printf("hiccups: longest forced collection %d ms; interval max %.1f ms, p99 %.1f ms, count %d%n",
                    longestPauseMs, interval.get("max_ms").asDouble(), interval.get("p99_ms").asDouble(), interval.get("count").asLong());
            JsonNode total = stats.get("hiccups").get("total");
            assertTrue(total.get("max_ms").asDouble() >= interval.get("max_ms").asDouble(), total.toString());

            // /metrics: some hiccup above the largest classic bucket bound at or below half the pause.
            String metrics = ts.get("/metrics").body();
            double bound = largestBoundAtOrBelow(metrics, expectedMs / 1_000);
            double all = bucket(metrics, "+Inf");
            double atOrBelow = bucket(metrics, boundText(metrics, bound));
            assertTrue(all > 0 && all - atOrBelow > 0, "pingscope_server_hiccup_seconds has values above " + bound + " s:\n"
                    + metrics.lines().filter(l -> l.startsWith("pingscope_server_hiccup")).toList());

            JsonNode pauses = TestServer.JSON.readTree(ts.get("/api/pauses?seconds=60").body());
            assertEquals(60, pauses.get("seconds").asInt());
            assertTrue(pauses.get("maxMs").asDouble() >= expectedMs, pauses.toString());
            assertTrue(pauses.get("over10ms").asInt() >= 1, pauses.toString());
            assertTrue(pauses.get("over10ms").asInt() <= 61, pauses.toString());
        }
    }

    /** Builds the live heap, forces full collections, drops the heap; returns the longest collection in ms. */
    private long collectRepeatedly() {
        Node head = null;
        for (int i = 0; i < NODES; i++) {
            head = new Node(head, i);
        }
        heap = head;
        long longest = 0;
        for (int i = 0; i < COLLECTIONS; i++) {
            long gcBefore = collectionMillis();
            long start = System.nanoTime();
            System.gc();
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            long gcMs = collectionMillis() - gcBefore;
            // The collectors' own account of the pause; the wall clock bounds it from above.
            longest = Math.max(longest, Math.min(gcMs, wallMs));
        }
        long sum = 0;
        for (Node n = heap; n != null; n = n.next) {
            sum += n.value;
        }
        assertEquals((long) NODES * (NODES - 1) / 2, sum, "the whole heap stayed reachable through the collections");
        heap = null;
        return longest;
    }

    private static long collectionMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    private static List<String> bucketLines(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("pingscope_server_hiccup_seconds_bucket{le=\"")).toList();
    }

    private static double largestBoundAtOrBelow(String metrics, double seconds) {
        double best = 0;
        for (String line : bucketLines(metrics)) {
            String le = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
            if (!le.equals("+Inf") && Double.parseDouble(le) <= seconds) {
                best = Math.max(best, Double.parseDouble(le));
            }
        }
        assertTrue(best > 0, "a bucket bound below " + seconds + " s");
        return best;
    }

    private static String boundText(String metrics, double bound) {
        for (String line : bucketLines(metrics)) {
            String le = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
            if (!le.equals("+Inf") && Double.parseDouble(le) == bound) {
                return le;
            }
        }
        throw new AssertionError("no bucket " + bound);
    }

    private static double bucket(String metrics, String le) {
        String prefix = "pingscope_server_hiccup_seconds_bucket{le=\"" + le + "\"} ";
        for (String line : bucketLines(metrics)) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(prefix.length()).trim());
            }
        }
        throw new AssertionError("no bucket le=" + le + " in /metrics");
    }

    @Test
    void api_pauses_refuses_anything_but_a_whole_number_of_seconds_from_1_to_3600_in_one_line() throws Exception {
        try (TestServer ts = TestServer.start()) {
            for (String query : List.of("?seconds=0", "?seconds=3601", "?seconds=abc", "", "?seconds=", "?seconds=-5",
                    "?seconds=1.5", "?seconds=99999999999")) {
                HttpResponse<String> r = ts.get("/api/pauses" + query);
                assertEquals(400, r.statusCode(), query + ": " + r.body());
                assertEquals(1, r.body().lines().count(), query + ": " + r.body());
                JsonNode body = TestServer.JSON.readTree(r.body());
                assertEquals("bad_seconds", body.get("error").asText(), r.body());
                assertTrue(body.get("message").asText().contains("1 to 3600"), r.body());
            }
            for (String seconds : List.of("1", "3600")) {
                HttpResponse<String> r = ts.get("/api/pauses?seconds=" + seconds);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode body = TestServer.JSON.readTree(r.body());
                assertEquals(Integer.parseInt(seconds), body.get("seconds").asInt());
                assertTrue(body.get("maxMs").isNumber() && body.get("over10ms").isInt(), r.body());
            }
            assertTrue(ts.server.isReady(), "the server lives on");
        }
    }

    @Test
    void api_pauses_answers_other_origins_with_the_same_cors_headers_as_api_stats() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of("https://shop.example")))) {
            for (String origin : List.of("https://shop.example", "https://elsewhere.example")) {
                HttpResponse<String> pauses = withOrigin(ts, "/api/pauses?seconds=5", origin);
                HttpResponse<String> stats = withOrigin(ts, "/api/stats", origin);
                assertEquals(stats.headers().firstValue("Access-Control-Allow-Origin"),
                        pauses.headers().firstValue("Access-Control-Allow-Origin"), origin);
                assertEquals("no-store", pauses.headers().firstValue("Cache-Control").orElse(null));
            }
            assertEquals("https://shop.example", withOrigin(ts, "/api/pauses?seconds=5", "https://shop.example")
                    .headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    private static HttpResponse<String> withOrigin(TestServer ts, String path, String origin) throws Exception {
        return ts.send(HttpRequest.newBuilder(ts.uri(path)).header("Origin", origin).GET());
    }

    @Test
    void the_pause_sentence_says_whether_the_server_paused_more_than_10_ms() {
        assertEquals("The server paused up to 14 ms during this run; RTTs above that may be the server's own.",
                dev.pingscope.prober.ServerPauses.sentence(13.2, false));
        assertEquals("The server did not pause more than 2 ms during this run.",
                dev.pingscope.prober.ServerPauses.sentence(1.05, false));
        assertEquals("The server did not pause more than 1 ms during this run.",
                dev.pingscope.prober.ServerPauses.sentence(0.08, false));
        assertTrue(dev.pingscope.prober.ServerPauses.sentence(250, true).contains("during the last hour of this run"));
    }
}
