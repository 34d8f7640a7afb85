package dev.pingscope.prober;

/**
 * RTTs waiting to be reported, at most a fixed number: when full, the oldest is dropped and counted, so an
 * unreachable server never makes the prober use unbounded memory. A ring of primitives, because probe
 * threads add to it on their timing path.
 */
final class PendingSamples {
    private final long[] ring;
    private int head;
    private int size;
    private long dropped;

    PendingSamples(int capacity) {
        this.ring = new long[capacity];
    }

    synchronized void add(long rttNanos) {
        if (size == ring.length) {
            head = (head + 1) % ring.length;
            size--;
            dropped++;
        }
        ring[(head + size) % ring.length] = rttNanos;
        size++;
    }

    /** Takes up to max of the oldest samples out. */
    synchronized long[] take(int max) {
        long[] taken = new long[Math.min(max, size)];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = ring[head];
            head = (head + 1) % ring.length;
        }
        size -= taken.length;
        return taken;
    }

    /** Returns samples whose delivery failed, to be sent again (dropping the oldest if that overfills). */
    synchronized void putBack(long[] samples) {
        for (long sample : samples) {
            add(sample);
        }
    }

    synchronized int size() {
        return size;
    }

    /** Samples dropped because the bound was reached. */
    synchronized long dropped() {
        return dropped;
    }
}
