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

    /** networkquality-rs's nq-rpm tests (crates/nq-rpm/src/lib.rs): ten identical samples of each term, in ms. */
    @Test
    void rpm_is_the_mean_of_the_foreign_and_the_loaded_rpm_as_networkquality_rs_pins_it() {
        assertEquals(2000.0, rpmOfTen(30, 30, 30, 30), 1e-6, "arithmetic_mean_of_the_two_rpms");
        assertEquals(draft03(30, 30, 30, 30), rpmOfTen(30, 30, 30, 30), 1e-6, "equals_draft03_only_when_foreign_equals_loaded");
        // reports_higher_than_draft03_when_rtts_diverge: (60000/60 + 60000/20) / 2 = 2000; draft 03 gave 1500
        assertEquals(2000.0, rpmOfTen(60, 60, 60, 20), 1e-6);
        assertEquals(1500.0, draft03(60, 60, 60, 20), 1e-6);
        assertTrue(Double.isNaN(Responsiveness.rpm(Responsiveness.trimmedMean(), Responsiveness.trimmedMean(),
                Responsiveness.trimmedMean(), Responsiveness.trimmedMean())), "returns_none_without_samples");
        assertTrue(Double.isNaN(rpmOfTen(0, 0, 0, 0)), "returns_none_on_zero_rtt");
    }

    @Test
    void over_plain_http_the_foreign_mean_is_over_tcp_and_http_alone() {
        // §5.3.1.2: Foreign = 60000 / ((TM(tcp_f) + TM(http_f)) / 2); (60000/40 + 60000/100) / 2 = 1050
        assertEquals(1050.0, Responsiveness.rpm(20, Double.NaN, 60, 100), 1e-9);
        // a zero TLS term would have lowered the foreign mean to 26.7 ms and raised the RPM to 1425
        assertEquals(1425.0, Responsiveness.rpm(20, 0, 60, 100), 1e-9);
        assertTrue(Double.isNaN(Responsiveness.rpm(20, Double.NaN, Double.NaN, 100)), "no http_f, no RPM");
        assertTrue(Double.isNaN(Responsiveness.rpm(20, 30, 60, Double.NaN)), "no self probe, no RPM");
    }

    @Test
    void the_trimmed_mean_keeps_floor_of_95_percent_as_networkquality_rs_does() {
        long[][] keptOf = {{1, 0}, {2, 1}, {10, 9}, {19, 18}, {20, 19}, {21, 19}, {40, 38}, {100, 95}};
        for (long[] pair : keptOf) {
            assertEquals(pair[1], Responsiveness.kept(pair[0]), "kept of " + pair[0]);
        }
        assertTrue(Double.isNaN(Responsiveness.trimmedMean(5)), "one sample keeps none");
        assertEquals(1.5, Responsiveness.trimmedMean(2, 1, 1000), 1e-9, "three samples keep the best two");
        // the histogram's trimmed mean agrees with the exact one within its 3 significant digits
        Histogram h = RttRecorders.newHistogram();
        double[] ms = new double[40];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = 10 + i * 0.37;
            h.recordValue(Math.round(ms[i] * 1000));
        }
        assertEquals(Responsiveness.trimmedMean(ms), Responsiveness.trimmedMeanMs(h), 0.01);
    }

    @Test
    void tls_handshakes_count_one_round_trip_in_tls_1_3_and_two_before() {
        assertEquals(1, Responsiveness.tlsRoundTrips("TLSv1.3"));
        assertEquals(2, Responsiveness.tlsRoundTrips("TLSv1.2"));
    }

    private static double rpmOfTen(double tcp, double tls, double http, double self) {
        return Responsiveness.rpm(Responsiveness.trimmedMean(ten(tcp)), Responsiveness.trimmedMean(ten(tls)),
                Responsiveness.trimmedMean(ten(http)), Responsiveness.trimmedMean(ten(self)));
    }

    private static double[] ten(double ms) {
        double[] values = new double[10];
        java.util.Arrays.fill(values, ms);
        return values;
    }

    /** Draft 03's formula, which pingscope used before: kept only to show the difference. */
    private static double draft03(double tcp, double tls, double http, double self) {
        return 60_000 / ((tcp + tls + http) / 6 + self / 2);
    }
}
