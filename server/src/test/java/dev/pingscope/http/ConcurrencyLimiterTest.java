package dev.pingscope.http;

import static dev.pingscope.http.ConcurrencyLimiter.Verdict.ACCEPTED;
import static dev.pingscope.http.ConcurrencyLimiter.Verdict.TOO_MANY_FROM_ADDRESS;
import static dev.pingscope.http.ConcurrencyLimiter.Verdict.TOO_MANY_TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Open WebSockets are capped per client address and in total; closing one frees its place. */
class ConcurrencyLimiterTest {

    @Test
    void an_address_may_hold_up_to_its_cap_and_no_more() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(100, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(ACCEPTED, limiter.tryAcquire("203.0.113.9"));
        }
        assertEquals(TOO_MANY_FROM_ADDRESS, limiter.tryAcquire("203.0.113.9"));
        assertEquals(3, limiter.open(), "a refused connection does not count as open");
        assertEquals(ACCEPTED, limiter.tryAcquire("198.51.100.4"), "another address still gets in");
    }

    @Test
    void a_table_at_its_cap_refuses_a_new_address_and_never_grows_past_it() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1_000, 2);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(ACCEPTED, limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256)));
        }
        for (int i = 0; i < 100_000; i++) {
            assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("new-" + i), "a new address at the cap");
        }
        assertEquals(1_000, limiter.addresses(), "100,000 refused newcomers left no entry");
        for (int i = 0; i < 1_000; i++) {
            limiter.release("10.0." + (i / 256) + "." + (i % 256));
        }
        assertEquals(0, limiter.addresses(), "an address that holds nothing has no entry");
        assertEquals(0, limiter.open());
    }

    @Test
    void the_total_cap_holds_across_addresses() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(4, 3);
        for (int i = 0; i < 4; i++) {
            assertEquals(ACCEPTED, limiter.tryAcquire("10.0.0." + i));
        }
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("10.0.0.99"));
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("10.0.0.0"), "the total is checked first");
        assertEquals(4, limiter.open());
    }

    @Test
    void an_address_refused_for_the_total_cap_keeps_no_place_of_its_own() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 2);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("c"));
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("c"));
        limiter.release("a");
        limiter.release("b");
        assertEquals(ACCEPTED, limiter.tryAcquire("c"));
        assertEquals(ACCEPTED, limiter.tryAcquire("c"), "both of c's refusals were forgotten");
        assertEquals(2, limiter.open());
    }

    @Test
    void releasing_a_connection_frees_a_place_for_that_address_and_in_the_total() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(3, 2);
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("c"));
        limiter.release("a");
        assertEquals(2, limiter.open());
        assertEquals(ACCEPTED, limiter.tryAcquire("a"), "a had one place freed");
        assertEquals(TOO_MANY_TOTAL, limiter.tryAcquire("c"));
        limiter.release("b");
        assertEquals(ACCEPTED, limiter.tryAcquire("c"));
        assertEquals(3, limiter.open());
    }

    @Test
    void an_address_that_closed_all_its_connections_starts_afresh() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(100, 2);
        for (int round = 0; round < 5; round++) {
            assertEquals(ACCEPTED, limiter.tryAcquire("a"), "round " + round);
            assertEquals(ACCEPTED, limiter.tryAcquire("a"), "round " + round);
            assertEquals(TOO_MANY_FROM_ADDRESS, limiter.tryAcquire("a"), "round " + round);
            limiter.release("a");
            limiter.release("a");
        }
        assertEquals(0, limiter.open());
    }

    @Test
    void concurrent_upgrades_never_exceed_either_cap() throws Exception {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(50, 10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String address = "10.0.0." + (t % 4); // four addresses, two threads each
                clients.add(() -> {
                    int accepted = 0;
                    for (int i = 0; i < 100; i++) {
                        if (limiter.tryAcquire(address) == ACCEPTED) {
                            accepted++;
                        }
                    }
                    return accepted;
                });
            }
            int accepted = 0;
            for (Future<Integer> f : pool.invokeAll(clients)) {
                accepted += f.get();
            }
            assertEquals(40, accepted, "each of the four addresses gets exactly its 10, under the total of 50");
            assertEquals(40, limiter.open());
            for (int a = 0; a < 4; a++) {
                assertEquals(TOO_MANY_FROM_ADDRESS, limiter.tryAcquire("10.0.0." + a));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
