package dev.pingscope.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A token bucket per address, driven by a clock the test moves by hand. */
class IntakeRateLimiterTest {
    private long now = 1_000_000_000L;

    private IntakeRateLimiter limiter(double perSecond, int burst) {
        return new IntakeRateLimiter(perSecond, burst, () -> now);
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static int acquired(IntakeRateLimiter limiter, String address, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(address)) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void a_new_address_may_post_a_whole_burst_at_once_and_then_no_more() {
        IntakeRateLimiter limiter = limiter(2, 5);
        assertEquals(5, acquired(limiter, "203.0.113.9", 8));
        assertFalse(limiter.tryAcquire("203.0.113.9"));
    }

    @Test
    void tokens_come_back_at_the_configured_rate() {
        IntakeRateLimiter limiter = limiter(2, 5); // one token per 500 ms
        acquired(limiter, "a", 5);
        advanceMillis(499);
        assertFalse(limiter.tryAcquire("a"), "not quite one token yet");
        advanceMillis(1);
        assertTrue(limiter.tryAcquire("a"), "one token after 500 ms");
        assertFalse(limiter.tryAcquire("a"));
        advanceMillis(1_500);
        assertEquals(3, acquired(limiter, "a", 5), "three tokens after 1.5 s");
    }

    @Test
    void a_refused_attempt_does_not_lose_the_fraction_of_a_token_already_earned() {
        IntakeRateLimiter limiter = limiter(1, 1);
        assertTrue(limiter.tryAcquire("a"));
        advanceMillis(600);
        assertFalse(limiter.tryAcquire("a"));
        advanceMillis(500);
        assertTrue(limiter.tryAcquire("a"), "0.6 + 0.5 tokens make one (0.5 alone would not)");
    }

    @Test
    void an_idle_address_saves_up_no_more_than_the_burst() {
        IntakeRateLimiter limiter = limiter(10, 3);
        acquired(limiter, "a", 3);
        advanceMillis(3_600_000);
        assertEquals(3, acquired(limiter, "a", 10));
    }

    @Test
    void each_address_has_a_bucket_of_its_own() {
        IntakeRateLimiter limiter = limiter(1, 2);
        assertEquals(2, acquired(limiter, "198.51.100.1", 5));
        assertEquals(2, acquired(limiter, "198.51.100.2", 5), "another address is not held back by the first");
        assertFalse(limiter.tryAcquire("198.51.100.1"));
    }

    @Test
    void a_clock_that_wraps_around_still_refills() {
        now = Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(100);
        IntakeRateLimiter limiter = limiter(1, 1);
        assertTrue(limiter.tryAcquire("a"));
        advanceMillis(1_000); // System.nanoTime() may overflow: only differences count
        assertTrue(limiter.tryAcquire("a"));
        assertFalse(limiter.tryAcquire("a"));
    }

    @Test
    void sweeping_the_table_of_many_addresses_keeps_the_buckets_of_active_ones() {
        IntakeRateLimiter limiter = limiter(1, 2);
        for (int i = 0; i <= 10_000; i++) {
            limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256));
        }
        advanceMillis(61_000); // those are idle for over a minute now: forgettable
        assertEquals(2, acquired(limiter, "busy", 3));
        assertTrue(limiter.tryAcquire("newcomer"), "a newcomer while the table is large (a sweep runs)");
        assertFalse(limiter.tryAcquire("busy"), "the active address is still held to its rate after the sweep");
    }

    @ParameterizedTest(name = "{0} batches/s: Retry-After {1} s")
    @CsvSource({"20, 1", "1, 1", "0.5, 2", "0.3, 4", "0.1, 10"})
    void retry_after_is_the_time_to_earn_one_token_rounded_up_and_at_least_a_second(double perSecond, long seconds) {
        assertEquals(seconds, limiter(perSecond, 1).retryAfterSeconds());
    }
}
