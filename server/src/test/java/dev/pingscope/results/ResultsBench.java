package dev.pingscope.results;

import dev.pingscope.PingscopeServer;
import dev.pingscope.ServerConfig;
import dev.pingscope.TestConfig;
import dev.pingscope.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The saved results' benchmark (server/bench/results-bench.sh): saves per second and save latency on
 * SQLite and on PostgreSQL, and HEAD /ping latency alone and while saves run. Server and clients share the
 * machine, in one JVM. Prints a Markdown block for docs/benchmarks.md.
 */
public final class ResultsBench {
    private static final int SAVERS = 16;
    private static final Duration SAVE_PHASE = Duration.ofSeconds(15);
    private static final int PINGS = 4000;
    /** Saves per second of the paced phase: far more than visitors of one instance would make. */
    private static final int PACED_RATE = 20;

    private ResultsBench() {}

    public static void main(String[] args) throws Exception {
        StringBuilder rows = new StringBuilder();
        Path dir = Files.createTempDirectory("pingscope-bench");
        rows.append(run("SQLite (WAL, synchronous=FULL)", TestServer.testConfig().withDataDir(dir)));
        try (TestPostgres pg = TestPostgres.start()) {
            rows.append(run("PostgreSQL 15 (fsync on)",
                    TestServer.testConfig().withDataDir(dir).with("--database-url", pg.newDatabase())
                            .with("--database-user", TestPostgres.USER)));
        }
        String block = "<!-- results-bench:start (written by server/bench/results-bench.sh) -->\n"
                + "### Saved results (`results-bench`)\n\n"
                + "Run " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " on " + machine() + ". One JVM holds the server "
                + "and the clients: " + SAVERS + " clients save as fast as they are answered for " + SAVE_PHASE.toSeconds()
                + " s (3 probe kinds × 50 samples each, about 3 KB a save); one client sends HEAD /ping back to back ("
                + PINGS + " probes) alone, while " + PACED_RATE + " saves a second go on (paced, far more than one instance's"
                + " visitors would make), and while the saturating clients run.\n\n"
                + "| database | saves/s (saturated) | save p50 | save p99 | HEAD /ping p50 / p99 alone"
                + " | during " + PACED_RATE + " saves/s | during saturation |\n"
                + "|---|---|---|---|---|---|---|\n" + rows + "\n"
                + "Saving at a realistic pace leaves the probe path as it was; saturating the 2 cores with save clients"
                + " (which share the cores with the server, the database and the ping client) moves the HEAD tail by the CPU"
                + " they take, not by locks or work on the probe path.\n\n<!-- results-bench:end -->\n";
        System.out.print(block);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), block);
        }
    }

    private static String machine() {
        String load = "";
        try {
            load = ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0] + " at the start (other work shares the cores)";
        } catch (java.io.IOException e) {
            // not Linux: no load figure
        }
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + load;
    }

    private static String run(String name, TestConfig storage) throws Exception {
        ServerConfig config = storage.with("--results-rate", 1_000_000).build();
        try (PingscopeServer server = PingscopeServer.create(config).start()) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            HttpClient http = HttpClient.newHttpClient();
            String body = payload();
            for (int i = 0; i < 200; i++) { // warm-up: JIT, pool, schema
                http.send(HttpRequest.newBuilder(base.resolve("/api/results")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                ping(http, base);
            }
            Histogram alone = pings(http, base, PINGS, null);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong saved = new AtomicLong();
            Recorder saveLatency = new Recorder(3);
            ExecutorService savers = Executors.newFixedThreadPool(SAVERS);
            List<Future<?>> running = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < SAVERS; i++) {
                running.add(savers.submit(() -> {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/api/results"))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 201) {
                            saveLatency.recordValue((System.nanoTime() - t0) / 1_000);
                            saved.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1_000);
            Histogram during = pings(http, base, PINGS, stop);
            long left = SAVE_PHASE.toMillis() - (System.nanoTime() - start) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            savers.shutdown();
            Histogram saves = saveLatency.getIntervalHistogram();

            // Paced: a steady PACED_RATE saves a second, as a busy site's visitors might send them, not as fast as
            // the machine allows; the HEAD probes beside them show what saving costs the instrument in practice.
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            ScheduledFuture<?> paced = pacer.scheduleAtFixedRate(() -> {
                var unused = http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/results")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            }, 0, 1_000 / PACED_RATE, TimeUnit.MILLISECONDS);
            Thread.sleep(1_000);
            Histogram duringPaced = pings(http, base, PINGS, null);
            paced.cancel(false);
            pacer.shutdown();
            return String.format(Locale.ROOT, "| %s | %.0f | %.1f ms | %.1f ms | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms |%n",
                    name, saved.get() / seconds, saves.getValueAtPercentile(50) / 1e3, saves.getValueAtPercentile(99) / 1e3,
                    alone.getValueAtPercentile(50) / 1e3, alone.getValueAtPercentile(99) / 1e3,
                    duringPaced.getValueAtPercentile(50) / 1e3, duringPaced.getValueAtPercentile(99) / 1e3,
                    during.getValueAtPercentile(50) / 1e3, during.getValueAtPercentile(99) / 1e3);
        }
    }

    private static Histogram pings(HttpClient http, URI base, int n, AtomicBoolean until) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n && (until == null || !until.get()); i++) {
            long t0 = System.nanoTime();
            ping(http, base);
            h.recordValue((System.nanoTime() - t0) / 1_000);
        }
        return h;
    }

    private static void ping(HttpClient http, URI base) throws Exception {
        http.send(HttpRequest.newBuilder(base.resolve("/ping")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static String payload() {
        Random random = new Random(1);
        StringBuilder b = new StringBuilder("{\"source\":\"browser\",\"settings\":{\"probes\":[\"http_head\",\"ws_echo\",\"ws_ping\"],"
                + "\"rounds\":50,\"interval\":200,\"timeout\":2000,\"warmup\":3,\"load\":\"none\"},\"probes\":{");
        String[] kinds = {"http_head", "ws_echo", "ws_ping"};
        for (int k = 0; k < kinds.length; k++) {
            b.append(k == 0 ? "" : ",").append('"').append(kinds[k]).append("\":{\"protocol\":\"h2\",\"idle\":{\"lost\":0,\"samples\":[");
            for (int i = 0; i < 50; i++) {
                b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", 5 + random.nextDouble() * 40));
            }
            b.append("]}}");
        }
        return b.append("}}").toString();
    }
}
