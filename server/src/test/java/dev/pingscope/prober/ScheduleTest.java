package dev.pingscope.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void connections_share_the_period_evenly_and_probes_keep_their_intended_times_when_behind() {
        long start = System.nanoTime() - 10_000 * MS; // long past: every probe is already due
        long period = 10 * MS;                         // per connection: 4 connections at 400/s
        for (int connection = 0; connection < 4; connection++) {
            Schedule schedule = new Schedule(start, period, connection, 4);
            for (int k = 0; k < 3; k++) {
                assertEquals(start + connection * 2_500_000L + k * period, schedule.awaitNext(), "connection " + connection + " probe " + k);
            }
        }
    }

    @Test
    void a_probe_due_later_is_awaited_until_its_intended_time() {
        long start = System.nanoTime() + 30 * MS;
        Schedule schedule = new Schedule(start, 20 * MS, 0, 1);
        for (int k = 0; k < 3; k++) {
            long intended = schedule.awaitNext();
            long now = System.nanoTime();
            assertEquals(start + 20L * k * MS, intended);
            assertTrue(now >= intended, "returned " + (intended - now) + " ns early");
        }
    }

    @Test
    void closed_loop_makes_every_probe_due_at_once() {
        Schedule schedule = new Schedule(System.nanoTime() + 1_000 * MS, 0, 3, 8);
        long before = System.nanoTime();
        long first = schedule.awaitNext();
        long second = schedule.awaitNext();
        assertTrue(first >= before && second >= first && System.nanoTime() - before < 500 * MS,
                "due now, not at the start time: " + (first - before));
    }
}
