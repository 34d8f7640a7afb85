package dev.pingscope.http;

import static dev.pingscope.http.RateLimiter.Verdict.ACCEPTED;
import static dev.pingscope.http.RateLimiter.Verdict.RATE_LIMITED;
import static dev.pingscope.http.RateLimiter.Verdict.TABLE_FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A token bucket per address in a bounded table, driven by a clock the test moves by hand. */
class RateLimiterTest {
    private long now = 1_000_000_000L;

    private RateLimiter limiter(double perSecond, int burst) {
        return limiter(perSecond, burst, 10_000);
    }

    private RateLimiter limiter(double perSecond, int burst, int maxKeys) {
        return new RateLimiter(perSecond, burst, maxKeys, () -> now);
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static int acquired(RateLimiter limiter, String address, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(address) == ACCEPTED) {
                granted++;
            }
        }
        return granted;
    }

    private static String address(int i) {
        return "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
    }

    private static void fill(RateLimiter limiter, int keys) {
        for (int i = 0; i < keys; i++) {
            assertEquals(ACCEPTED, limiter.tryAcquire(address(i)), "filling: " + address(i));
        }
    }

    @Test
    void a_new_address_may_post_a_whole_burst_at_once_and_then_no_more() {
        RateLimiter limiter = limiter(2, 5);
        assertEquals(5, acquired(limiter, "203.0.113.9", 8));
        assertEquals(RATE_LIMITED, limiter.tryAcquire("203.0.113.9"));
    }

    @Test
    void tokens_come_back_at_the_configured_rate() {
        RateLimiter limiter = limiter(2, 5); // one token per 500 ms
        acquired(limiter, "a", 5);
        advanceMillis(499);
        assertEquals(RATE_LIMITED, limiter.tryAcquire("a"), "not quite one token yet");
        advanceMillis(1);
        assertEquals(ACCEPTED, limiter.tryAcquire("a"), "one token after 500 ms");
        assertEquals(RATE_LIMITED, limiter.tryAcquire("a"));
        advanceMillis(1_500);
        assertEquals(3, acquired(limiter, "a", 5), "three tokens after 1.5 s");
    }

    @Test
    void a_request_may_cost_more_than_one_token() {
        RateLimiter limiter = limiter(1_000, 2_000); // bytes, say
        assertEquals(ACCEPTED, limiter.tryAcquire("a", 1_500));
        assertEquals(RATE_LIMITED, limiter.tryAcquire("a", 1_000), "500 left");
        assertEquals(ACCEPTED, limiter.tryAcquire("a", 500));
        advanceMillis(1_000);
        assertEquals(ACCEPTED, limiter.tryAcquire("a", 1_000), "1,000 earned in a second");
        assertEquals(2, limiter.retryAfterSeconds(1_500), "1,500 take 1.5 s to earn");
    }

    @Test
    void a_refused_attempt_does_not_lose_the_fraction_of_a_token_already_earned() {
        RateLimiter limiter = limiter(1, 1);
        assertEquals(ACCEPTED, limiter.tryAcquire("a"));
        advanceMillis(600);
        assertEquals(RATE_LIMITED, limiter.tryAcquire("a"));
        advanceMillis(500);
        assertEquals(ACCEPTED, limiter.tryAcquire("a"), "0.6 + 0.5 tokens make one (0.5 alone would not)");
    }

    @Test
    void an_idle_address_saves_up_no_more_than_the_burst() {
        RateLimiter limiter = limiter(10, 3);
        acquired(limiter, "a", 3);
        advanceMillis(3_600_000);
        assertEquals(3, acquired(limiter, "a", 10));
    }

    @Test
    void each_address_has_a_bucket_of_its_own() {
        RateLimiter limiter = limiter(1, 2);
        assertEquals(2, acquired(limiter, "198.51.100.1", 5));
        assertEquals(2, acquired(limiter, "198.51.100.2", 5), "another address is not held back by the first");
        assertEquals(RATE_LIMITED, limiter.tryAcquire("198.51.100.1"));
    }

    @Test
    void a_clock_that_wraps_around_still_refills() {
        now = Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(100);
        RateLimiter limiter = limiter(1, 1);
        assertEquals(ACCEPTED, limiter.tryAcquire("a"));
        advanceMillis(1_000); // System.nanoTime() may overflow: only differences count
        assertEquals(ACCEPTED, limiter.tryAcquire("a"));
        assertEquals(RATE_LIMITED, limiter.tryAcquire("a"));
    }

    @Test
    void a_table_at_its_cap_refuses_a_new_address_rather_than_growing() {
        RateLimiter limiter = limiter(1, 2, 1_000);
        fill(limiter, 1_000);
        assertEquals(TABLE_FULL, limiter.tryAcquire("newcomer"), "the table at its cap refuses a new address");
        assertEquals(1_000, limiter.keys());
        assertEquals(ACCEPTED, limiter.tryAcquire(address(7)), "an address in the table goes on at its rate");
    }

    @Test
    void requests_at_the_cap_visit_a_bounded_number_of_entries_each() {
        RateLimiter limiter = limiter(1, 2, 1_000);
        fill(limiter, 1_000);
        for (int i = 0; i < 100_000; i++) {
            long before = limiter.visited();
            limiter.tryAcquire(i % 2 == 0 ? address(i % 200) : "new-" + i);
            long visits = limiter.visited() - before;
            assertTrue(visits <= 3, "request " + i + " at the cap visited " + visits + " entries");
        }
        assertEquals(1_000, limiter.keys(), "100,000 requests, half of them from new addresses, and the table never grew");
    }

    @Test
    void a_bucket_full_again_is_forgotten_and_its_place_goes_to_a_newcomer() {
        RateLimiter limiter = limiter(1, 2, 1_000); // a bucket is full again 2 s after its last use
        fill(limiter, 1_000);
        advanceMillis(1_999);
        assertEquals(TABLE_FULL, limiter.tryAcquire("newcomer"), "not yet full again: not forgettable");
        advanceMillis(1);
        assertEquals(ACCEPTED, limiter.tryAcquire("newcomer"));
        assertEquals(1, acquired(limiter, "newcomer", 3), "the rest of a whole burst of its own");
        assertTrue(limiter.keys() <= 1_000, "never past the cap: " + limiter.keys());
    }

    @Test
    void idle_buckets_are_forgotten_as_requests_come_and_active_ones_are_kept() {
        RateLimiter limiter = limiter(1, 2, 1_000);
        fill(limiter, 999);
        assertEquals(2, acquired(limiter, "busy", 3), "busy spends its burst");
        advanceMillis(1_000);
        assertEquals(ACCEPTED, limiter.tryAcquire("busy"), "and the token it earned");
        advanceMillis(1_500); // the 999 are full again; busy has 1.5 tokens
        for (int i = 0; i < 600; i++) {
            assertEquals(ACCEPTED, limiter.tryAcquire("newcomer-" + i));
        }
        assertEquals(601, limiter.keys(), "the 999 idle buckets are gone; busy and the newcomers are kept");
        assertEquals(1, acquired(limiter, "busy", 3), "busy kept its bucket (a forgotten one would allow 2)");
    }

    @ParameterizedTest(name = "{0} batches/s: Retry-After {1} s")
    @CsvSource({"20, 1", "1, 1", "0.5, 2", "0.3, 4", "0.1, 10"})
    void retry_after_is_the_time_to_earn_one_token_rounded_up_and_at_least_a_second(double perSecond, long seconds) {
        assertEquals(seconds, limiter(perSecond, 1).retryAfterSeconds());
    }
}
