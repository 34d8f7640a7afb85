package dev.pingscope.tcpinfo;

import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP connections that carry an open probe WebSocket which asked for the kernel's RTT. Over HTTP/2 a
 * WebSocket (RFC 8441) rides the origin's connection, and Firefox sends its HEAD probes on that same connection:
 * the WebSocket's server-sent messages, which nothing answers, wait for the browser's delayed ACK and inflate the
 * connection's smoothed RTT (about 14 ms on a 0.1 ms path, docs/accuracy.md). A HEAD probe on such a connection is
 * told so, and its reference is the connection's min RTT, as a WebSocket's is. Over HTTP/1.1 a WebSocket has its
 * connection to itself, so no HEAD probe is ever on one of these.
 */
public final class WebSocketCarriers {
    private final ConcurrentHashMap<SocketChannel, Integer> open = new ConcurrentHashMap<>();

    /** A WebSocket on this connection opened. */
    public void opened(SocketChannel channel) {
        open.merge(channel, 1, Integer::sum);
    }

    /** A WebSocket on this connection closed. */
    public void closed(SocketChannel channel) {
        open.computeIfPresent(channel, (c, n) -> n > 1 ? n - 1 : null);
    }

    /** Whether the connection carries an open probe WebSocket (false for null: no channel known). */
    public boolean carries(SocketChannel channel) {
        return channel != null && open.containsKey(channel);
    }
}
