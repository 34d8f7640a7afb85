package dev.pingscope.intake;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address for the sample intake: {@code burst} batches at once, then
 * {@code perSecond} on average. The table forgets addresses whose bucket has been full for a minute, so
 * it stays as small as the set of recently active clients.
 */
public final class IntakeRateLimiter {
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;
    private static final int SWEEP_ABOVE = 10_000;

    private final double perSecond;
    private final int burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public IntakeRateLimiter(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** With a clock of its own, in nanoseconds (tests). */
    IntakeRateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Returns true when this address may post one more batch now. */
    public boolean tryAcquire(String address) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            buckets.values().removeIf(b -> b.idleSince(now) > FORGET_AFTER_NANOS);
        }
        return buckets.computeIfAbsent(address, a -> new Bucket(burst, now)).take(now, perSecond, burst);
    }

    /** Seconds until this address may post again (for Retry-After). */
    public long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.lastNanos = now;
        }

        synchronized boolean take(long now, double perSecond, int burst) {
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized long idleSince(long now) {
            return now - lastNanos;
        }
    }
}
