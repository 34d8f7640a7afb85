package dev.pingscope.prober;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PendingSamplesTest {
    @Test
    void beyond_the_bound_the_oldest_samples_are_dropped_and_counted() {
        PendingSamples pending = new PendingSamples(3);
        for (long v = 1; v <= 5; v++) {
            pending.add(v);
        }
        assertEquals(2, pending.dropped());
        assertArrayEquals(new long[] {3, 4}, pending.take(2));
        pending.putBack(new long[] {3, 4});  // a failed batch comes back
        pending.add(6);
        assertEquals(3, pending.dropped(), "5, 3, 4 and 6 do not fit in 3: the oldest, 5, went");
        assertArrayEquals(new long[] {3, 4, 6}, pending.take(10));
        assertEquals(0, pending.size());
    }
}
