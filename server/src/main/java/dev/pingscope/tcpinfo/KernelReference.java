package dev.pingscope.tcpinfo;

import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The kernel's RTT of a visitor's own probe connection, sent beside a probe's answer when the probe asks for it
 * (docs/protocol.md, "The kernel's RTT as a reference"): what {@code TCP_INFO} says of the connection the probe
 * travelled on, or why there is nothing to say. Only a peer that reaches the server directly gets figures: behind
 * a trusted proxy the kernel would measure the proxy's hop, so the answer is the reason {@value #PROXIED}.
 *
 * <p>Two encodings of the same figures: Server-Timing entries for HEAD /ping, a JSON member for ping_rtt.
 */
public final class KernelReference {
    /**
     * The Server-Timing entry after the figures of a HEAD probe whose connection also carries a probe WebSocket
     * ({@link WebSocketCarriers}): its reference is then the min RTT, not the smoothed one.
     */
    public static final String SHARED_WITH_WEBSOCKET = ", tcp_shared;desc=\"websocket\"";

    /** The reason given to a probe whose connection's peer is a trusted proxy. */
    public static final String PROXIED = "proxied";

    private KernelReference() {}

    /** The connection's figures, or empty with {@link #reason} saying why. */
    public static Optional<TcpInfo> read(SocketChannel channel, boolean direct) {
        return direct ? TcpSockets.read(channel) : Optional.empty();
    }

    /** Why a connection has no figures: proxied, this machine's reason, or the socket closed meanwhile. */
    public static String reason(boolean direct) {
        if (!direct) {
            return PROXIED;
        }
        String machine = TcpSockets.unavailableReason();
        return machine != null ? machine : "TCP_INFO could not be read (the connection closed)";
    }

    /** Server-Timing entries to append to {@code app;dur=…}: {@code , tcp_srtt;dur=…, tcp_min;dur=…, tcp_var;dur=…}. */
    public static String serverTiming(Optional<TcpInfo> info, boolean direct) {
        if (info.isEmpty()) {
            return ", tcp;desc=\"" + quoted(reason(direct)) + "\"";
        }
        TcpInfo i = info.get();
        return ", tcp_srtt;dur=" + ms(i.rttMicros()) + ", tcp_min;dur=" + ms(i.minRttMicros()) + ", tcp_var;dur=" + ms(i.rttVarMicros());
    }

    /** A JSON member for a server message: {@code ,"tcp":{"srtt_ms":…,"min_rtt_ms":…,"rttvar_ms":…}} or {@code ,"tcp":{"unavailable":"…"}}. */
    public static String json(Optional<TcpInfo> info, boolean direct) {
        if (info.isEmpty()) {
            return ",\"tcp\":{\"unavailable\":\"" + quoted(reason(direct)) + "\"}";
        }
        TcpInfo i = info.get();
        return ",\"tcp\":{\"srtt_ms\":" + ms(i.rttMicros()) + ",\"min_rtt_ms\":" + ms(i.minRttMicros()) + ",\"rttvar_ms\":"
                + ms(i.rttVarMicros()) + "}";
    }

    /** Microseconds as milliseconds, "0.036", without String.format. */
    static String ms(long micros) {
        long fraction = micros % 1_000;
        String pad = fraction < 10 ? "00" : fraction < 100 ? "0" : "";
        return (micros / 1_000) + "." + pad + fraction;
    }

    /** Escapes a reason for a quoted string (HTTP's and JSON's agree on backslash and double quote). */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
