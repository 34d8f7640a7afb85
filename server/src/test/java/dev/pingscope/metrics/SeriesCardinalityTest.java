package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Labels come only from small fixed sets: a flood of samples from made-up origins must not add a single
 * series to /metrics (each would cost Prometheus memory for as long as it keeps the data).
 */
class SeriesCardinalityTest {
    private static final int ORIGINS = 10_000;

    @Test
    void ten_thousand_samples_from_distinct_origins_add_no_series() throws Exception {
        try (TestServer ts = TestServer.start(TestServer.testConfig().withSites(List.of("https://shop.example"))
                .unlimited())) {
            ts.endInterval();
            Set<String> before = seriesOf(ts.get("/metrics").body());

            long started = System.nanoTime();
            Semaphore inFlight = new Semaphore(16);
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (int i = 0; i < ORIGINS; i++) {
                inFlight.acquire();
                HttpRequest request = HttpRequest.newBuilder(ts.uri("/api/samples"))
                        .header("Content-Type", "text/plain")
                        .header("Origin", "https://made-up-" + i + ".example")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"samples\":{\"http_head\":[" + (1 + i % 50) + "]}}"))
                        .build();
                answers.add(ts.http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> inFlight.release()));
            }
            for (CompletableFuture<HttpResponse<Void>> answer : answers) {
                assertEquals(200, answer.join().statusCode());
            }
            ts.endInterval();
            Set<String> after = seriesOf(ts.get("/metrics").body());
            System.out.printf("series in /metrics: %d before, %d after %d samples from distinct origins (%d ms)%n",
                    before.size(), after.size(), ORIGINS, (System.nanoTime() - started) / 1_000_000);

            assertEquals(before, after, "the same series, no more");
            assertEquals(ORIGINS, ts.metric(
                    "pingscope_rtt_seconds_count{kind=\"http_head\",load=\"idle\",region=\"default\",site=\"other\",source=\"browser\"}"),
                    "every sample was recorded, under site other");
        }
    }

    /** Each pingscope sample line's name and labels, without its value (the JVM's own series come and go with it). */
    static Set<String> seriesOf(String exposition) {
        Set<String> series = new TreeSet<>();
        for (String line : exposition.split("\n", -1)) {
            if (line.startsWith("pingscope_")) {
                series.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return series;
    }
}
