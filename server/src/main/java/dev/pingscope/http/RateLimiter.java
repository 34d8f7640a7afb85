package dev.pingscope.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address): {@code burst} tokens at once, then {@code perSecond} on average;
 * a request costs one token, or what it weighs (bytes, say).
 *
 * <p>The table is bounded and every call costs O(1). Buckets are kept in least-recently-used order. A bucket
 * left alone for {@code burst / perSecond} is full again, the same as a new one, so forgetting it loses
 * nothing; the oldest bucket is the first that can be forgotten, and if it cannot, none can. Each call
 * forgets at most {@link #FORGET_PER_CALL} old buckets (each is forgotten once: amortised O(1)) and recycles
 * one for a new key. At {@code maxKeys} buckets, with none old enough to forget, a new key is refused
 * ({@link Verdict#TABLE_FULL}) rather than the table growing; keys already in it go on at their rate.
 */
public final class RateLimiter {
    /** Whether the request may go on, and if not, why. */
    public enum Verdict { ACCEPTED, RATE_LIMITED, TABLE_FULL }

    /** Most keys a table holds unless told otherwise: about 15 MB of buckets at most. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    private static final int FORGET_PER_CALL = 2;

    private final double perSecond;
    private final double burst;
    private final int maxKeys;
    private final long forgetAfterNanos;
    private final LongSupplier nanoTime;
    /** Access order: the eldest entry is the bucket used least recently. Guarded by this. */
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private Bucket spare;
    /** Buckets looked at to forget, since creation (tests check that a call looks at a bounded number). */
    private long visited;

    public RateLimiter(double perSecond, double burst, int maxKeys) {
        this(perSecond, burst, maxKeys, System::nanoTime);
    }

    /** With a clock of its own, in nanoseconds (tests). */
    RateLimiter(double perSecond, double burst, int maxKeys, LongSupplier nanoTime) {
        if (!(perSecond > 0) || !(burst >= 1) || maxKeys < 1) {
            throw new IllegalArgumentException("a rate limiter needs perSecond > 0, burst >= 1 and maxKeys >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.forgetAfterNanos = (long) Math.ceil(burst / perSecond * 1e9);
        this.nanoTime = nanoTime;
    }

    /** One token for this key, if it has one now. */
    public Verdict tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /** {@code cost} tokens for this key (at most the burst), if it has them now. */
    public synchronized Verdict tryAcquire(String key, long cost) {
        long now = nanoTime.getAsLong();
        forgetIdle(now);
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                return Verdict.TABLE_FULL;
            }
            bucket = spare != null ? spare : new Bucket();
            spare = null;
            bucket.fill(burst, now);
            buckets.put(key, bucket);
        }
        return bucket.take(cost, now, perSecond, burst) ? Verdict.ACCEPTED : Verdict.RATE_LIMITED;
    }

    /** Forgets up to FORGET_PER_CALL of the least recently used buckets, if they are full again by now. */
    private void forgetIdle(long now) {
        Iterator<Map.Entry<String, Bucket>> eldest = buckets.entrySet().iterator();
        for (int i = 0; i < FORGET_PER_CALL && eldest.hasNext(); i++) {
            Bucket b = eldest.next().getValue();
            visited++;
            if (now - b.lastNanos < forgetAfterNanos) {
                return; // the eldest is too recent: so is every other
            }
            eldest.remove();
            spare = b;
        }
    }

    /** Seconds until a refused request of this cost may go on (for Retry-After): at least one. */
    public long retryAfterSeconds(long cost) {
        return Math.max(1, (long) Math.ceil(cost / perSecond));
    }

    /** Seconds until a refused one-token request may go on. */
    public long retryAfterSeconds() {
        return retryAfterSeconds(1);
    }

    /** Keys in the table now. */
    synchronized int keys() {
        return buckets.size();
    }

    synchronized long visited() {
        return visited;
    }

    /** Tokens and the time they were counted; guarded by the limiter. */
    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        void fill(double burst, long now) {
            tokens = burst;
            lastNanos = now;
        }

        boolean take(long cost, long now, double perSecond, double burst) {
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= cost) {
                tokens -= cost;
                return true;
            }
            return false;
        }
    }
}
