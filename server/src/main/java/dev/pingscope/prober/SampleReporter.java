package dev.pingscope.prober;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the probe's raw RTTs to a pingscope server's intake as source "synthetic", in batches of at most
 * 1,000, as the browser client does: a batch that finds no server (network error, 5xx, 429) goes back to
 * the bounded queue and is sent again after a backoff; one the server refuses for good is counted, not retried.
 */
final class SampleReporter {
    static final int BATCH = 1_000;
    static final int MAX_PENDING = 100_000;
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(500).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(10).toNanos();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI intake;
    private final HttpClient http;
    /** Per kind and load condition: one batch carries one condition. */
    private final Map<Key, PendingSamples> pending = new LinkedHashMap<>();
    private long sent;
    private long refused;
    private long failedAttempts;
    private int failuresInARow;
    private long nextAttemptNanos;
    private String lastError;

    SampleReporter(URI server, HttpClient http) {
        this.intake = Targets.http(server, "/api/samples");
        this.http = http;
        for (ProbeKind kind : List.of(ProbeKind.HTTP_HEAD, ProbeKind.WS_ECHO)) { // ws_ping the server times itself
            for (Load load : Load.values()) {
                pending.put(new Key(kind, load), new PendingSamples(MAX_PENDING));
            }
        }
    }

    private record Key(ProbeKind kind, Load load) {}

    /** Where the raw RTTs of this kind measured under this condition go. */
    ProbeRecorder.SampleSink sinkFor(ProbeKind kind, Load load) {
        PendingSamples queue = pending.get(new Key(kind, load));
        return queue == null ? ProbeRecorder.SampleSink.NONE : queue::add;
    }

    /** Sends what is pending, unless the server failed recently and its backoff has not passed (called once a second). */
    void flush() {
        if (System.nanoTime() - nextAttemptNanos >= 0) {
            sendPending();
        }
    }

    /** At the end: one last try whatever the backoff, then says what became of every sample. */
    ReportDelivery finish() {
        sendPending();
        long dropped = 0;
        long left = 0;
        for (PendingSamples queue : pending.values()) {
            dropped += queue.dropped();
            left += queue.size();
        }
        return new ReportDelivery(sent, dropped, refused, left, failedAttempts, lastError);
    }

    private void sendPending() {
        for (Map.Entry<Key, PendingSamples> entry : pending.entrySet()) {
            for (long[] batch = entry.getValue().take(BATCH); batch.length > 0; batch = entry.getValue().take(BATCH)) {
                if (!post(entry.getKey(), batch)) {
                    entry.getValue().putBack(batch);
                    failedAttempts++;
                    failuresInARow++;
                    // 0.5 s, 1 s, 2 s … up to 10 s: few posts to a server that is away, and soon after it is back
                    nextAttemptNanos = System.nanoTime()
                            + Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failuresInARow - 1, 5));
                    return;
                }
                failuresInARow = 0;
            }
        }
    }

    /** False when the batch should be sent again later; a batch refused for good counts as refused. */
    private boolean post(Key key, long[] rttNanos) {
        try {
            byte[] body = JSON.writeValueAsBytes(IntakeBatch.synthetic(key.kind().wireName(), key.load().wireName(), rttNanos));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(intake)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200) {
                sent += rttNanos.length;
                return true;
            }
            lastError = "HTTP " + status + " " + response.body();
            if (status >= 500 || status == 429) {
                return false;
            }
            refused += rttNanos.length;
            return true;
        } catch (IOException e) {
            lastError = FailureReason.describe(e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError = "interrupted";
            return false;
        }
    }
}
