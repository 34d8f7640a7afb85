package dev.pingscope.websocket;

import java.time.Duration;
import java.util.ArrayList;
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
 * and thousands are not pinged in the same instant.
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

    /** Puts the socket in a slot picked at random, and returns the slot, for {@link #remove}. */
    int add(ProbeSocket socket) {
        int slot = ThreadLocalRandom.current().nextInt(SLOTS);
        slots.get(slot).add(socket);
        return slot;
    }

    void remove(ProbeSocket socket, int slot) {
        slots.get(slot).remove(socket);
    }

    /** Every connection in the wheel now. */
    Iterable<ProbeSocket> sockets() {
        List<ProbeSocket> all = new ArrayList<>();
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
