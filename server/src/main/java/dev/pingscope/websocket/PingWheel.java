package dev.pingscope.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Gives every open connection its PING once per interval from one thread, with no scheduled task per
 * connection: each connection sits in one of {@value #SLOTS} slots picked at random, and every
 * interval / {@value #SLOTS} the pinger walks the next slot. Connections are so spread over the interval,
 * and thousands are not pinged in the same instant. A connection that asked for a faster interval sits in
 * every step-th slot (a step that divides {@value #SLOTS}), so it gets SLOTS / step PINGs per interval, evenly
 * spaced, with no timer of its own.
 */
final class PingWheel implements AutoCloseable {
    static final int SLOTS = 100;

    private final List<Set<ProbeSocket>> slots = new ArrayList<>(SLOTS);
    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "pingscope-pinger");
        t.setDaemon(true);
        return t;
    });
    /** The slot the next tick walks; read and written by the pinger thread only. */
    private int next;

    @SuppressWarnings("FutureReturnValueIgnored") // the tick runs until close() shuts the ticker down
    PingWheel(Duration interval) {
        for (int i = 0; i < SLOTS; i++) {
            slots.add(ConcurrentHashMap.newKeySet());
        }
        long tickNanos = Math.max(1, interval.toNanos() / SLOTS);
        ticker.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    /** The steps a connection may take through the wheel: the divisors of {@value #SLOTS}, ascending. */
    static final int[] STEPS = {1, 2, 4, 5, 10, 20, 25, 50, 100};

    /**
     * Puts the socket in every {@code step}-th slot from one picked at random, and returns that first slot, for
     * {@link #remove}.
     *
     * @param step one of {@link #STEPS}: {@value #SLOTS} for one PING per interval
     */
    int add(ProbeSocket socket, int step) {
        int first = ThreadLocalRandom.current().nextInt(step);
        for (int slot = first; slot < SLOTS; slot += step) {
            slots.get(slot).add(socket);
        }
        return first;
    }

    void remove(ProbeSocket socket, int first, int step) {
        for (int slot = first; slot < SLOTS; slot += step) {
            slots.get(slot).remove(socket);
        }
    }

    /** Every connection in the wheel now, each once. */
    Iterable<ProbeSocket> sockets() {
        Set<ProbeSocket> all = new LinkedHashSet<>();
        for (Set<ProbeSocket> slot : slots) {
            all.addAll(slot);
        }
        return all;
    }

    private void tick() {
        for (ProbeSocket socket : slots.get(next)) {
            try {
                socket.sendPing();
            } catch (RuntimeException e) {
                // One broken connection must not stop the ticker (a periodic task that throws never runs again).
                socket.disconnect();
            }
        }
        next = (next + 1) % SLOTS;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
