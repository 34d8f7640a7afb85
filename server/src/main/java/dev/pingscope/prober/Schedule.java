package dev.pingscope.prober;

import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule of one connection: probe k of connection c is due at
 * start + (k * connections + c) * (1 / rate), so the connections together send at the rate, evenly spread.
 * In closed-loop mode (rate 0) every probe is due at once.
 */
final class Schedule {
    private final long startNanos;
    private final long periodNanos;
    private long next;

    Schedule(long startNanos, long periodNanos, int connection, int connections) {
        this.periodNanos = periodNanos;
        this.startNanos = startNanos + (connections == 0 ? 0 : periodNanos / connections * connection);
    }

    /** Waits until the next probe is due and returns its intended send time; never waits when behind. */
    long awaitNext() {
        long intended = periodNanos == 0 ? System.nanoTime() : startNanos + next * periodNanos;
        next++;
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return intended;
    }
}
