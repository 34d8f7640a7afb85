package dev.pingscope.prober;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * One probe connection sending {@code HEAD /ping} on its schedule, one probe at a time (a probe that is
 * due while the previous one is unanswered waits, and its corrected latency shows it). Its own HttpClient,
 * so its own TCP connection (HTTP/1.1 kept alive, or one HTTP/2 connection).
 */
final class HttpHeadProber implements Runnable {
    private final HttpClient client;
    private final HttpRequest request;
    private final ProbeRecorder recorder;
    private final Schedule schedule;
    private final int warmup;
    private final long endNanos;
    private final long pauseMillis;
    /** Taken on the client's I/O thread as the response head arrives, before any hand-off to this thread. */
    private volatile long headArrivedNanos;
    private final HttpResponse.BodyHandler<Void> timingHandler = info -> {
        headArrivedNanos = System.nanoTime();
        return HttpResponse.BodySubscribers.discarding();
    };
    /** One probe in this many asks for its connection's kernel RTT. */
    private static final int REFERENCE_EVERY = 10;
    private final KernelReadings reference;
    private final HttpRequest flaggedRequest;
    /** False until a request went through: the next probe opens the connection first, untimed. */
    private boolean connected;

    /**
     * @param reference where every {@value #REFERENCE_EVERY}th probe's kernel RTT goes (it asks with ?ref=1), or null
     */
    HttpHeadProber(HttpClient client, ProbeOptions options, ProbeRecorder recorder, Schedule schedule, long endNanos,
            KernelReadings reference) {
        this.client = client;
        this.reference = reference;
        this.flaggedRequest = HttpRequest.newBuilder(Targets.http(options.target(), "/ping?ref=1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(options.timeout())
                .header("User-Agent", "pingscope-probe")
                .build();
        this.request = HttpRequest.newBuilder(Targets.http(options.target(), "/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(options.timeout())
                .header("User-Agent", "pingscope-probe")
                .build();
        this.recorder = recorder;
        this.schedule = schedule;
        this.warmup = options.warmup();
        this.endNanos = endNanos;
        this.pauseMillis = Math.min(100, options.timeout().toMillis());
    }

    @Override
    public void run() {
        for (long probe = 0; ; probe++) {
            long intended = schedule.awaitNext();
            if (intended >= endNanos || Thread.currentThread().isInterrupted()) {
                return;
            }
            probeOnce(intended, probe >= warmup, reference != null && probe % REFERENCE_EVERY == 0);
        }
    }

    private void probeOnce(long intended, boolean counted, boolean flagged) {
        long sent = System.nanoTime();
        try {
            if (!connected) {
                // As the raw-socket prober did: the connection (and TLS handshake) is not part of a probe's RTT.
                check(client.send(request, HttpResponse.BodyHandlers.discarding()));
                connected = true;
                sent = System.nanoTime();
            }
            HttpResponse<Void> response = check(client.send(flagged ? flaggedRequest : request, timingHandler));
            long received = headArrivedNanos;
            if (flagged && counted) {
                reference.head(response.headers().firstValue("server-timing").orElse(null));
            }
            recorder.served(ProtocolNames.of(response.version()),
                    response.headers().firstValue("x-pingscope-instance").orElse(null));
            if (counted) {
                recorder.answered(intended, sent, received);
            }
        } catch (IOException e) {
            // No answer in time, or the connection broke: the probe is lost, the next one reconnects.
            connected = false;
            recorder.failed(e);
            if (counted) {
                recorder.lost();
                recorder.sent(intended, sent);
            }
            if (!(e instanceof HttpTimeoutException)) {
                pauseBeforeReconnect();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpResponse<Void> check(HttpResponse<Void> response) throws IOException {
        if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw new IOException("HTTP status " + response.statusCode());
        }
        return response;
    }

    private void pauseBeforeReconnect() {
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
