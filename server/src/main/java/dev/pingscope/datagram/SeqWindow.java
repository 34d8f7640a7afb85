package dev.pingscope.datagram;

/**
 * Which sequence numbers a session has seen, over the last {@link #SIZE} below the highest: a seq seen
 * before (a replay, or a datagram QUIC sent twice) or older than the window is not new, so that the count
 * of distinct seqs received, which the client takes its upstream loss from, cannot be inflated. One
 * session's datagrams arrive on one thread; the window is not shared.
 */
final class SeqWindow {
    static final int SIZE = 1024;

    private final long[] bits = new long[SIZE / 64];
    private long highest = -1;

    /** Whether this seq is new; records it. */
    boolean accept(long seq) {
        if (seq > highest) {
            long advance = highest < 0 ? SIZE : seq - highest;
            if (advance >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long s = highest + 1; s < seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
            set(seq);
            return true;
        }
        if (highest - seq >= SIZE || isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    private boolean isSet(long seq) {
        int bit = (int) (seq % SIZE);
        return (bits[bit >> 6] & 1L << (bit & 63)) != 0;
    }

    private void set(long seq) {
        int bit = (int) (seq % SIZE);
        bits[bit >> 6] |= 1L << (bit & 63);
    }

    private void clear(long seq) {
        int bit = (int) (seq % SIZE);
        bits[bit >> 6] &= ~(1L << (bit & 63));
    }
}
