package dev.pingscope.websocket;

import java.nio.channels.SocketChannel;

/**
 * What one connection asked for at its upgrade ({@code /ws?ping=MS&ref=1}, docs/protocol.md), as granted.
 *
 * @param pingStep       its step through the {@link PingWheel}: {@value PingWheel#SLOTS} for the server's interval
 * @param pingInterval   the PING interval granted, in ms (told in the hello)
 * @param requestedPing  the interval asked for in ms, or 0 when none was
 * @param reference      whether each ping_rtt carries the connection's kernel RTT
 * @param channel        the connection's TCP channel, for TCP_INFO (null unless reference)
 * @param direct         false when the peer is a trusted proxy, whose hop the kernel would measure
 */
record ConnectionAsks(int pingStep, long pingInterval, long requestedPing, boolean reference, SocketChannel channel,
        boolean direct) {

    /** Whether the connection asked for anything: otherwise it gets the hello every connection gets. */
    boolean askedAnything() {
        return requestedPing > 0 || reference;
    }
}
