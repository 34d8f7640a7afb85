package dev.pingscope.datagram;

/**
 * The udp_echo probe's datagram (docs/protocol.md), after the HTTP datagram's quarter stream ID: 20 bytes,
 * little-endian, as a browser's DataView writes them.
 *
 * <pre>
 * client to server: u32 seq | f64 client send time (ms) | u32 session nonce | u32 flags (bit 0: count request)
 * server to client: the same 20 bytes with the last four replaced by the count of distinct seqs received so far
 * </pre>
 *
 * A count request asks only for that count (the client sends a few when it stops, so that a lost last echo is
 * not taken for upstream loss); it is not counted itself.
 */
final class EchoDatagram {
    private EchoDatagram() {}

    static final int LENGTH = 20;
    static final int SEQ = 0;
    static final int FLAGS = 16;
    static final int COUNT_REQUEST = 1;

    static long seq(byte[] data, int offset) {
        return u32(data, offset + SEQ);
    }

    static boolean isCountRequest(byte[] data, int offset) {
        return (u32(data, offset + FLAGS) & COUNT_REQUEST) != 0;
    }

    /** Replaces the flags with the count received, in place: the echo is the datagram that came in. */
    static void writeCount(byte[] data, int offset, long count) {
        int at = offset + FLAGS;
        data[at] = (byte) count;
        data[at + 1] = (byte) (count >> 8);
        data[at + 2] = (byte) (count >> 16);
        data[at + 3] = (byte) (count >> 24);
    }

    private static long u32(byte[] data, int at) {
        return (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16 | (data[at + 3] & 0xffL) << 24;
    }
}
