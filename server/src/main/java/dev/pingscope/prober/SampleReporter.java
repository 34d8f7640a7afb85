package dev.pingscope.prober;

import dev.pingscope.sample.ProbeKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends the probe's raw RTTs to a pingscope server's intake as source "synthetic", in batches of at most
 * 1,000. Samples wait in a bounded queue per kind; beyond it they are dropped and counted, so a slow or
 * unreachable server never makes the prober use unbounded memory.
 */
final class SampleReporter {
    static final int BATCH = 1_000;
    static final int MAX_PENDING = 100_000;

    private final URI intake;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<ProbeKind, ConcurrentLinkedQueue<Long>> pending = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, AtomicInteger> sizes = new EnumMap<>(ProbeKind.class);
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private String lastError;

    SampleReporter(URI server) {
        this.intake = server.resolve(Targets.path(server, "/api/samples"));
        for (ProbeKind kind : List.of(ProbeKind.HTTP_HEAD, ProbeKind.WS_ECHO)) {
            pending.put(kind, new ConcurrentLinkedQueue<>());
            sizes.put(kind, new AtomicInteger());
        }
    }

    ProbeRecorder.SampleSink sinkFor(ProbeKind kind) {
        ConcurrentLinkedQueue<Long> queue = pending.get(kind);
        if (queue == null) {
            return ProbeRecorder.SampleSink.NONE;
        }
        AtomicInteger size = sizes.get(kind);
        return nanos -> {
            if (size.incrementAndGet() > MAX_PENDING) {
                size.decrementAndGet();
                dropped.increment();
            } else {
                queue.add(nanos);
            }
        };
    }

    /** Sends everything pending now (called once a second and at the end). */
    void flush() {
        for (Map.Entry<ProbeKind, ConcurrentLinkedQueue<Long>> entry : pending.entrySet()) {
            List<Long> batch = new ArrayList<>(BATCH);
            Long nanos;
            while ((nanos = entry.getValue().poll()) != null) {
                sizes.get(entry.getKey()).decrementAndGet();
                batch.add(nanos);
                if (batch.size() == BATCH) {
                    post(entry.getKey(), batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                post(entry.getKey(), batch);
            }
        }
    }

    private void post(ProbeKind kind, List<Long> nanos) {
        StringBuilder body = new StringBuilder("{\"source\":\"synthetic\",\"samples\":{\"")
                .append(kind.wireName()).append("\":[");
        for (int i = 0; i < nanos.size(); i++) {
            if (i > 0) body.append(',');
            // At least 1 µs: the intake refuses 0, and HdrHistogram's floor is 1 µs anyway.
            body.append(String.format(Locale.ROOT, "%.3f", Math.max(1_000L, nanos.get(i)) / 1e6));
        }
        body.append("]}}");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(intake)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                sent.add(nanos.size());
                return;
            }
            lastError = "HTTP " + r.statusCode() + " " + r.body();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            lastError = e.toString();
        }
        dropped.add(nanos.size());
    }

    long sentCount() {
        return sent.sum();
    }

    long droppedCount() {
        return dropped.sum();
    }

    String lastError() {
        return lastError;
    }
}
