package dev.pingscope.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.tcpinfo.TcpInfo;
import dev.pingscope.tcpinfo.TcpSockets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The draft's self probes of {@code probe --load} (docs/load.md): over HTTP/1.1 no probe can ride a load
 * connection, so the TCP stack's RTT of every load connection stands in (§5.3 allows it), from the end that
 * sends its data: the server's, for a download ({@code GET /load/self?run=R}), and this process's own, for an
 * upload (TCP_INFO of its socket). It is sampled {@link #PER_SECOND} times a second, on a thread of its own, so
 * that a slow answer under load neither delays the interval clock nor leaves an interval without samples.
 */
final class SelfProber implements AutoCloseable {
    /** Samples per second of each load connection's RTT: the kernel's smoothed RTT moves on this scale. */
    static final int PER_SECOND = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI selfUri;
    private final LoadStreams streams;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-self-probe");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private List<Double> samples = new ArrayList<>();
    private volatile String unavailableReason;

    SelfProber(ProbeOptions options, LoadStreams streams) {
        this.client = ProbeClients.forReports(options);
        this.selfUri = URI.create(Targets.http(options.target(), "/load/self") + "?run=" + streams.run());
        this.streams = streams;
    }

    /** Samples from now on until {@link #close()}; a sample still running when the next is due delays it. */
    @SuppressWarnings("FutureReturnValueIgnored") // sample() catches everything; close() ends the schedule
    void start() {
        sampler.scheduleWithFixedDelay(this::sample, 0, 1000 / PER_SECOND, TimeUnit.MILLISECONDS);
    }

    /** The self samples (ms) since the last call: one per open load connection and sampling; maybe none. */
    List<Double> take() {
        synchronized (lock) {
            List<Double> taken = samples;
            samples = new ArrayList<>();
            return taken;
        }
    }

    /** Why the kernel's RTT was missing in some sampling, or null. */
    String unavailableReason() {
        return unavailableReason;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    private void sample() {
        List<Double> taken = new ArrayList<>();
        String reason = null;
        if (streams.downloads() > 0) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(selfUri).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode answer = JSON.readTree(response.body());
                if (response.statusCode() != 200) {
                    reason = "GET /load/self: HTTP " + response.statusCode();
                } else if (answer.path("source").isNull()) {
                    reason = "the server: " + answer.path("reason").asText();
                }
                for (JsonNode stream : answer.path("streams")) {
                    if ("download".equals(stream.path("direction").asText())) {
                        taken.add(stream.path("self_ms").asDouble());
                    }
                }
            } catch (IOException | RuntimeException e) {
                reason = "GET /load/self: " + FailureReason.describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (SocketChannel channel : streams.uploadChannels()) {
            TcpSockets.read(channel).map(TcpInfo::rttMicros).ifPresent(us -> taken.add(us / 1e3));
        }
        if (streams.uploads() > 0 && TcpSockets.unavailableReason() != null) {
            reason = "this machine: " + TcpSockets.unavailableReason();
        }
        if (taken.isEmpty() && reason != null) {
            unavailableReason = reason;
        }
        synchronized (lock) {
            samples.addAll(taken);
        }
    }
}
