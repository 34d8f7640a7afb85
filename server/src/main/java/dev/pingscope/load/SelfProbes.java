package dev.pingscope.load;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.tcpinfo.TcpInfo;
import dev.pingscope.tcpinfo.TcpSockets;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The responsiveness draft's self probes for clients limited to HTTP/1.1 (§5.3: "the TCP stack estimated
 * round-trip-time can be used as a proxy or substitute value"): the kernel's RTT of each load stream's own
 * connection, read from TCP_INFO when a client asks for its run ({@code GET /load/self?run=R}, docs/load.md).
 *
 * <p>A stream joins its run when it names one ({@code ?run=R} on /load/download or /load/upload) and leaves when
 * it ends. The table holds only open load streams, which the stream caps already bound. Each stream's self
 * probe is the RTT of the end that sends its data: the server's smoothed RTT for a download, the server's
 * receiver-side estimate for an upload (the client's own stack holds the sender's).
 */
final class SelfProbes {
    /** A run is a token the client chose: long enough not to be guessed by accident, short enough to be cheap. */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** One open load stream. */
    private record Stream(String run, String client, boolean download, SocketChannel channel, boolean direct) {}

    private final Map<Object, Stream> streams = new ConcurrentHashMap<>();

    /** Whether a client's run token has the right form. */
    static boolean validRun(String run) {
        return run != null && RUN.matcher(run).matches();
    }

    /**
     * Adds a stream of a run; the returned key removes it.
     *
     * @param client the stream's client (its limit key): only the same client reads its run
     * @param direct false when the connection's peer is a trusted proxy, whose hop the kernel would measure
     */
    Object join(String run, String client, boolean download, SocketChannel channel, boolean direct) {
        Object key = new Object();
        streams.put(key, new Stream(run, client, download, channel, direct));
        return key;
    }

    void leave(Object key) {
        streams.remove(key);
    }

    /** The run's streams as the client sees them: {"source": "tcp_info", "streams": [...]}, or a reason there are none. */
    ObjectNode of(String run, String client) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        String reason = TcpSockets.unavailableReason();
        int proxied = 0;
        for (Stream s : streams.values()) {
            if (!s.run.equals(run) || !s.client.equals(client)) {
                continue;
            }
            if (!s.direct) {
                proxied++;
                continue;
            }
            Optional<TcpInfo> info = TcpSockets.read(s.channel);
            if (info.isEmpty()) {
                continue;
            }
            TcpInfo i = info.get();
            ObjectNode stream = list.addObject();
            stream.put("direction", s.download ? "download" : "upload");
            stream.put("self_ms", i.senderOrReceiverRttMicros(s.download) / 1e3);
            stream.put("rtt_ms", i.rttMicros() / 1e3);
            stream.put("rttvar_ms", i.rttVarMicros() / 1e3);
            stream.put("min_rtt_ms", i.minRttMicros() / 1e3);
            stream.put("rcv_rtt_ms", i.rcvRttMicros() / 1e3);
            stream.put("notsent_bytes", i.notSentBytes());
        }
        if (reason == null && list.isEmpty() && proxied > 0) {
            reason = "the load streams reach this server through a proxy: the kernel's RTT would be of the proxy's hop";
        }
        answer.put("source", reason == null ? "tcp_info" : null);
        answer.put("reason", reason);
        answer.set("streams", list);
        return answer;
    }
}
