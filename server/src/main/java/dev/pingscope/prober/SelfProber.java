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

/**
 * The draft's self probes of {@code probe --load} (docs/load.md): over HTTP/1.1 no probe can ride a load
 * connection, so each interval takes the TCP stack's RTT of every load connection (§5.3 allows it), from the
 * end that sends its data: the server's, for a download ({@code GET /load/self?run=R}), and this process's own,
 * for an upload (TCP_INFO of its socket).
 */
final class SelfProber {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI selfUri;
    private final LoadStreams streams;
    private volatile String unavailableReason;

    SelfProber(ProbeOptions options, LoadStreams streams) {
        this.client = ProbeClients.forReports(options);
        this.selfUri = URI.create(Targets.http(options.target(), "/load/self") + "?run=" + streams.run());
        this.streams = streams;
    }

    /** One self sample per open load connection, ms: empty when neither end could read its kernel's RTT. */
    List<Double> take() {
        List<Double> samples = new ArrayList<>();
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
                        samples.add(stream.path("self_ms").asDouble());
                    }
                }
            } catch (IOException e) {
                reason = "GET /load/self: " + FailureReason.describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return samples;
            }
        }
        for (SocketChannel channel : streams.uploadChannels()) {
            TcpSockets.read(channel).map(TcpInfo::rttMicros).ifPresent(us -> samples.add(us / 1e3));
        }
        if (streams.uploads() > 0 && TcpSockets.unavailableReason() != null) {
            reason = "this machine: " + TcpSockets.unavailableReason();
        }
        if (samples.isEmpty() && reason != null) {
            unavailableReason = reason;
        }
        return samples;
    }

    /** Why the kernel's RTT was missing in some interval, or null. */
    String unavailableReason() {
        return unavailableReason;
    }
}
