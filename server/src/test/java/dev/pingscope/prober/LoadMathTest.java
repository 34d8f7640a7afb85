package dev.pingscope.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.recording.RttRecorders;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The draft's arithmetic: the stability rule, its confidence, the trimmed mean and RPM. */
class LoadMathTest {

    @Test
    void goodput_is_stable_once_four_moving_averages_lie_within_five_percent() {
        Stability s = new Stability();
        for (double v : new double[] {5, 10, 15, 19, 20, 20, 20, 20}) {
            s.add(v);
            // the last four moving averages are 16, 18.5, 19.75, 20 after the eighth: sd 1.58 > 5 % of 20
            assertFalse(s.stable(), "rising, or fewer than four moving averages, after " + s.intervals());
        }
        s.add(20);
        // 18.5, 19.75, 20, 20: sd 0.62 < 1.0
        assertTrue(s.stable(), "latest moving average " + s.latestAverage());
        assertEquals("high", s.confidence(true));
    }

    @Test
    void confidence_is_low_before_four_intervals_and_medium_after_without_stability() {
        Stability s = new Stability();
        s.add(1);
        s.add(100);
        assertEquals("low", s.confidence(false));
        s.add(1);
        s.add(100);
        s.add(1);
        assertEquals("medium", s.confidence(false));
        assertEquals("low", Stability.lower("medium", "low"));
        assertEquals("medium", Stability.lower("high", "medium"));
    }

    @Test
    void the_trimmed_mean_drops_the_slowest_five_percent() {
        Histogram h = RttRecorders.newHistogram();
        for (int i = 0; i < 95; i++) {
            h.recordValue(10_000); // 10 ms
        }
        for (int i = 0; i < 5; i++) {
            h.recordValue(5_000_000); // 5 s outliers
        }
        assertEquals(10.0, Responsiveness.trimmedMeanMs(h), 0.01);
        assertTrue(Double.isNaN(Responsiveness.trimmedMeanMs(RttRecorders.newHistogram())));
    }

    @Test
    void rpm_weighs_foreign_and_self_probes_half_each_as_the_draft_does() {
        Histogram tcp = of(20_000);
        Histogram tls = of(40_000);
        Histogram http = of(60_000);
        Histogram self = of(100_000);
        // 60000 / (1/6 * (20 + 40 + 60) + 1/2 * 100) = 60000 / (20 + 50) = 857.1
        assertEquals(857.1, Responsiveness.rpm(tcp, tls, http, self), 0.5);
        // Without TLS: 60000 / (1/4 * (20 + 60) + 1/2 * 100) = 60000 / 70
        assertEquals(857.1, Responsiveness.rpm(tcp, null, http, self), 0.5);
        assertTrue(Double.isNaN(Responsiveness.rpm(tcp, null, http, RttRecorders.newHistogram())));
    }

    private static Histogram of(long micros) {
        Histogram h = RttRecorders.newHistogram();
        h.recordValue(micros);
        return h;
    }
}
