package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * pingscope.stats, evaluated in Chromium, against data whose answers are known: worked by hand, given by
 * a closed formula, or computed here by an independent Java implementation of the same bootstrap.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class StatisticsTest {
    static TestServer ts;
    static Browser browser;
    static Page page;

    @BeforeAll
    static void start(Browser shared) {
        ts = TestServer.start();
        browser = shared;
        page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
    }

    @AfterAll
    static void stop() {
        page.close();
        ts.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> eval(String function, Object argument) {
        return (Map<String, Object>) page.evaluate(function, argument);
    }

    static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void summarize_gives_percentiles_between_closest_ranks_mean_population_stddev_and_loss() {
        Map<String, Object> s = eval("(v) => pingscope.stats.summarize(v, 3)", List.of(40, 15, 50, 20, 35));
        assertEquals(5, number(s, "count"));
        assertEquals(3, number(s, "lost"));
        assertEquals(8, number(s, "sent"));
        assertEquals(15, number(s, "min"));
        assertEquals(35, number(s, "p50"), 1e-12);
        assertEquals(46, number(s, "p90"), 1e-12, "rank 3.6 of 0..4: 40 + 0.6 * (50 - 40)");
        assertEquals(49.6, number(s, "p99"), 1e-12);
        assertEquals(50, number(s, "max"));
        assertEquals(32, number(s, "mean"), 1e-12);
        assertEquals(Math.sqrt(166), number(s, "stddev"), 1e-12, "squared deviations 64+289+324+144+9 = 830, over 5");

        List<Integer> oneToHundred = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            oneToHundred.add(i);
        }
        Map<String, Object> h = eval("(v) => pingscope.stats.summarize(v)", oneToHundred);
        assertEquals(50.5, number(h, "p50"), 1e-12);
        assertEquals(90.1, number(h, "p90"), 1e-12);
        assertEquals(99.01, number(h, "p99"), 1e-12);
        assertEquals(0, number(h, "lost"));

        Map<String, Object> empty = eval("(v) => pingscope.stats.summarize(v, 4)", List.of());
        assertEquals(0, number(empty, "count"));
        assertEquals(4, number(empty, "lost"));
        for (String key : List.of("min", "p50", "p90", "p99", "max", "mean", "stddev")) {
            assertNull(empty.get(key), key + " of nothing");
        }
        assertNull(((Map<String, Object>) empty.get("jitter")).get("rfc3550"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void both_jitters_follow_their_definitions() {
        Map<String, Object> j = (Map<String, Object>) eval("(v) => pingscope.stats.summarize(v)", List.of(10, 12, 9, 15))
                .get("jitter");
        assertEquals(11.0 / 3, number(j, "meanAbsDiff"), 1e-12, "(|12-10| + |9-12| + |15-9|) / 3");
        // J = 0; J += (2 - J)/16 = 0.125; J += (3 - J)/16 = 0.3046875; J += (6 - J)/16 = 0.66064453125
        assertEquals(0.66064453125, number(j, "rfc3550"), 1e-12);

        List<Integer> alternating = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            alternating.add(i % 2 == 0 ? 10 : 20);
        }
        Map<String, Object> a = (Map<String, Object>) eval("(v) => pingscope.stats.summarize(v)", alternating).get("jitter");
        assertEquals(10, number(a, "meanAbsDiff"), 1e-12);
        assertEquals(10 * (1 - Math.pow(15.0 / 16, 99)), number(a, "rfc3550"), 1e-9,
                "99 differences of 10: J approaches 10 geometrically");
        Map<String, Object> constant = (Map<String, Object>) eval("(v) => pingscope.stats.summarize(v)", List.of(5, 5, 5))
                .get("jitter");
        assertEquals(0, number(constant, "meanAbsDiff"));
        assertEquals(0, number(constant, "rfc3550"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_bootstrap_interval_equals_an_independent_implementation_and_is_deterministic_per_seed() {
        double[] head = new double[41];
        double[] echo = new double[37];
        for (int i = 0; i < head.length; i++) {
            head[i] = 5 + (i * 37 % 17) / 4.0;
        }
        for (int i = 0; i < echo.length; i++) {
            echo[i] = 3 + (i * 13 % 11) / 3.0;
        }
        double[] expected = ReferenceBootstrap.medianDifferenceInterval(head, echo, 500, 42);
        List<Object> args = List.of(Arrays.stream(head).boxed().toList(), Arrays.stream(echo).boxed().toList());

        Map<String, Object> c = eval("([a, b]) => pingscope.stats.bootstrapMedianDiff(a, b, {resamples: 500, seed: 42})", args);
        assertEquals(expected[0], number(c, "difference"), 1e-12, "median(head) - median(echo)");
        assertEquals(expected[1], number(c, "low"), 1e-12, "2.5th percentile of the resampled differences");
        assertEquals(expected[2], number(c, "high"), 1e-12, "97.5th percentile");
        assertTrue(number(c, "low") < number(c, "high"));

        Map<String, Object> again = eval("([a, b]) => pingscope.stats.bootstrapMedianDiff(a, b, {resamples: 500, seed: 42})", args);
        assertEquals(c, again, "the same seed gives the same interval");
        Map<String, Object> otherSeed = eval("([a, b]) => pingscope.stats.bootstrapMedianDiff(a, b, {resamples: 500, seed: 7})", args);
        assertTrue(!c.get("low").equals(otherSeed.get("low")) || !c.get("high").equals(otherSeed.get("high")),
                "another seed resamples differently");

        List<Object> firstNumbers = (List<Object>) page.evaluate("() => { const r = pingscope.stats.random(42); return [r(), r(), r()]; }");
        double[] reference = ReferenceBootstrap.firstRandoms(42, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(reference[i], ((Number) firstNumbers.get(i)).doubleValue(), 0, "mulberry32 number " + i);
        }
    }

    @Test
    void the_verdict_says_which_method_is_slower_only_when_the_interval_excludes_zero() {
        Map<String, Object> constant = eval("([a, b]) => pingscope.stats.compare(a, b, {seed: 1})",
                List.of(List.of(10, 10, 10, 10, 10, 10), List.of(2, 2, 2, 2, 2, 2)));
        assertEquals(8, number(constant, "difference"));
        assertEquals(8, number(constant, "low"), "every resample of constant data has the same medians");
        assertEquals(8, number(constant, "high"));
        assertEquals("HTTP HEAD is slower than WebSocket echo by 8.00 ms at the median "
                + "(95 % interval of HEAD minus echo: 8.00 to 8.00 ms).", constant.get("verdict"));

        Map<String, Object> faster = eval("([a, b]) => pingscope.stats.compare(a, b, {seed: 1})",
                List.of(List.of(1.0, 1.1, 0.9, 1.2, 1.0, 0.8), List.of(3.0, 3.1, 2.9, 3.3, 3.0, 2.8)));
        assertTrue(((String) faster.get("verdict")).startsWith("HTTP HEAD is faster than WebSocket echo by 2.00 ms"),
                (String) faster.get("verdict"));

        Map<String, Object> same = eval("([a, b]) => pingscope.stats.compare(a, b, {seed: 1})",
                List.of(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), List.of(9, 8, 7, 6, 5, 4, 3, 2, 1)));
        assertEquals(0, number(same, "difference"));
        assertTrue(number(same, "low") < 0 && number(same, "high") > 0);
        assertTrue(((String) same.get("verdict")).startsWith("No clear difference between HTTP HEAD and WebSocket echo"),
                (String) same.get("verdict"));
        assertTrue(((String) same.get("verdict")).contains("which includes zero"), (String) same.get("verdict"));

        Map<String, Object> tooFew = eval("([a, b]) => pingscope.stats.compare(a, b)", List.of(List.of(1, 2), List.of(3)));
        assertNull(tooFew.get("difference"));
        assertEquals("Too few samples to compare HTTP HEAD with WebSocket echo.", tooFew.get("verdict"));
    }

    /**
     * The bootstrap written again from its definition, in Java: mulberry32 random numbers, each side resampled
     * with replacement, medians by linear interpolation, the 2.5th and 97.5th percentiles of the differences.
     */
    static final class ReferenceBootstrap {
        private int state;

        private ReferenceBootstrap(int seed) {
            this.state = seed;
        }

        double next() {
            state += 0x6d2b79f5;
            int t = (state ^ (state >>> 15)) * (1 | state);
            t = (t + ((t ^ (t >>> 7)) * (61 | t))) ^ t;
            return ((t ^ (t >>> 14)) & 0xffffffffL) / 4294967296.0;
        }

        static double[] firstRandoms(int seed, int n) {
            ReferenceBootstrap random = new ReferenceBootstrap(seed);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = random.next();
            }
            return out;
        }

        static double percentile(double[] ascending, double p) {
            double position = (ascending.length - 1) * p / 100;
            int i = (int) Math.floor(position);
            return i + 1 < ascending.length
                    ? ascending[i] + (ascending[i + 1] - ascending[i]) * (position - i)
                    : ascending[i];
        }

        static double median(double[] values) {
            double[] copy = values.clone();
            Arrays.sort(copy);
            return percentile(copy, 50);
        }

        /** Returns {median(a) - median(b), low, high}. */
        static double[] medianDifferenceInterval(double[] a, double[] b, int resamples, int seed) {
            ReferenceBootstrap random = new ReferenceBootstrap(seed);
            double[] differences = new double[resamples];
            for (int r = 0; r < resamples; r++) {
                differences[r] = random.resampledMedian(a) - random.resampledMedian(b);
            }
            Arrays.sort(differences);
            return new double[] {median(a) - median(b), percentile(differences, 2.5), percentile(differences, 97.5)};
        }

        private double resampledMedian(double[] from) {
            double[] resample = new double[from.length];
            for (int i = 0; i < resample.length; i++) {
                resample[i] = from[(int) Math.floor(next() * from.length)];
            }
            Arrays.sort(resample);
            return percentile(resample, 50);
        }
    }
}
