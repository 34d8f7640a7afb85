package dev.pingscope.sample;

/** The four ways pingscope measures a round trip. {@link #wireName()} is the name used in JSON and metric labels. */
public enum ProbeKind {
    /** An HTTP HEAD request to /ping on a kept-alive connection, timed by the client. */
    HTTP_HEAD("http_head"),
    /** A text frame sent over the WebSocket and echoed back, timed by the client. */
    WS_ECHO("ws_echo"),
    /** A WebSocket PING control frame sent by the server, answered by the client's network stack, timed by the server. */
    WS_PING("ws_ping"),
    /** A datagram over WebTransport (HTTP/3, UDP) echoed by the server, timed by the browser (docs/protocol.md). */
    UDP_ECHO("udp_echo");

    private final String wireName;

    ProbeKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns the kind with this wire name, or null when there is none. */
    public static ProbeKind fromWireName(String name) {
        for (ProbeKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
