package dev.pingscope.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps what is open at once, in total and per client address, so that one client (or one botnet address)
 * cannot take all of an instance: open WebSockets (checked at the upgrade, before any WebSocket resources
 * exist) and load streams (checked before their first byte). A slot taken is given back once, when the
 * connection or stream ends, however it ends.
 *
 * <p>Its table is bounded by {@code maxTotal}: an address has an entry only while it holds a slot (the
 * total is taken before the entry is made, and an entry is removed when its count reaches zero), so the
 * table never holds more addresses than slots are taken; each call is one O(1) map operation. A new
 * address at the cap is refused with {@link Verdict#TOO_MANY_TOTAL} (503).
 */
public final class ConcurrencyLimiter {
    /** Whether a slot was taken, or which cap refused it. */
    public enum Verdict { ACCEPTED, TOO_MANY_TOTAL, TOO_MANY_FROM_ADDRESS }

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConcurrencyLimiter(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    public Verdict tryAcquire(String address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Verdict.TOO_MANY_TOTAL;
        }
        boolean[] accepted = {false};
        perAddress.compute(address, (a, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            accepted[0] = c.get() < maxPerAddress;
            if (accepted[0]) {
                c.incrementAndGet();
            }
            return c.get() == 0 ? null : c;
        });
        if (!accepted[0]) {
            total.decrementAndGet();
            return Verdict.TOO_MANY_FROM_ADDRESS;
        }
        return Verdict.ACCEPTED;
    }

    public void release(String address) {
        total.decrementAndGet();
        // Removing the entry at zero keeps the map as small as the set of connected addresses.
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /** Addresses in the table now (at most the slots taken). */
    int addresses() {
        return perAddress.size();
    }

    /** Slots taken right now. */
    public int open() {
        return total.get();
    }

    /** Client addresses holding at least one slot right now: the size of the per-address table. */
    public int addressesHeld() {
        return perAddress.size();
    }
}
