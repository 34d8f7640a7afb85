package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * pingscope-clock.js, evaluated in Chromium, against readings whose exact values are known: RTTs drawn
 * from a known distribution and read the way each browser's clock reads a pair of timestamps at a random
 * phase (Chromium 100 us with a random cut-off per step, Firefox 1 ms with a random midpoint per step,
 * WebKit 1 ms rounded down). The clocks are written here again from those descriptions, not taken from
 * the module.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class CoarseClockStatisticsTest {
    static TestServer ts;
    static Page page;

    /**
     * The test's own clocks and distributions. read(x, step, model, next): t0 at a random place far from 0,
     * t1 = t0 + x, each read by the clock; 'jitter' rounds t up when its place in the step passes that
     * step's own random midpoint (one per grid cell, as Firefox's and Chromium's keyed hashes give).
     */
    static final String HARNESS = """
            window.harness = {
              read(x, step, model, next) {
                const t0 = 1000 + next() * 1000, t1 = t0 + x, mids = new Map();
                const mid = (k) => { if (!mids.has(k)) mids.set(k, next()); return mids.get(k); };
                const q = (t) => {
                  const k = Math.floor(t / step);
                  return model === 'floor' ? k * step : (k + (t / step - k > mid(k) ? 1 : 0)) * step;
                };
                return q(t1) - q(t0);
              },
              dists: {
                // 0.3 ms + exponential of mean 1 ms: median 0.3 + ln 2; skewed, with an edge a step below it
                exponential: { draw: (next) => 0.3 - Math.log(1 - next()), median: 0.3 + Math.LN2 },
                // 1.4 ms +- 0.1 (a sum of three uniforms): narrower than a 1 ms step
                narrow: { draw: (next) => 1.4 + (next() + next() + next() - 1.5) * 0.2, median: 1.4 },
              },
              median(values) {
                const a = Float64Array.from(values).sort(), pos = (a.length - 1) / 2, i = Math.floor(pos);
                return i + 1 < a.length ? a[i] + (a[i + 1] - a[i]) * (pos - i) : a[i];
              },
            };
            """;

    static final List<String> CLOCKS = List.of("chromium", "firefox", "webkit");
    static final Map<String, List<Object>> CLOCK = Map.of(
            "chromium", List.of(0.1, "jitter"), "firefox", List.of(1.0, "jitter"), "webkit", List.of(1.0, "floor"));

    @BeforeAll
    static void start(Browser shared) {
        ts = TestServer.start();
        page = shared.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        page.evaluate("async () => { window.clock = await import('/pingscope-clock.js'); }");
        page.evaluate(HARNESS);
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
    void the_spread_percentile_is_the_grouped_data_percentile_and_the_plain_one_without_a_step() {
        Map<String, Object> r = eval("""
                (v) => ({ p50: clock.spreadPercentile(Float64Array.from(v), 50, 1),
                          p90: clock.spreadPercentile(Float64Array.from(v), 90, 1),
                          plain: clock.spreadPercentile(Float64Array.from(v), 50, 0),
                          none: clock.spreadPercentile(new Float64Array(0), 50, 1) })
                """, List.of(1, 1, 1, 2, 2));
        // three readings spread over [0.5, 1.5], two over [1.5, 2.5]: half of 5 is reached 2.5/3 into the first
        assertEquals(0.5 + 2.5 / 3, number(r, "p50"), 1e-9);
        assertEquals(1.5 + (4.5 - 3) / 2, number(r, "p90"), 1e-9, "4.5 of 5: 1.5 of the 2 in [1.5, 2.5]");
        assertEquals(1, number(r, "plain"), 1e-12, "step 0: the median between closest ranks");
        assertNull(r.get("none"));
    }

    @Test
    void the_step_is_the_coarsest_grid_every_reading_fits() {
        Map<String, Object> r = eval("""
                () => {
                  const on = (step, n) => Array.from({ length: n }, (_, i) => (7 + i * 3) * step + 1e-9); // float noise
                  const r = pingscope.stats.random(3), fine = Array.from({ length: 20 }, () => 1 + r());
                  return { ms: clock.stepOf(on(1, 20)), chromium: clock.stepOf(on(0.1, 20)), isolated: clock.stepOf(on(0.005, 20)),
                           firefoxIsolated: clock.stepOf(on(0.02, 20)), fine: clock.stepOf(fine), few: clock.stepOf(on(1, 7)),
                           tick: clock.tick() };
                }
                """, null);
        assertEquals(1, number(r, "ms"));
        assertEquals(0.1, number(r, "chromium"));
        assertEquals(0.005, number(r, "isolated"));
        assertEquals(0.02, number(r, "firefoxIsolated"));
        assertEquals(0, number(r, "fine"), "continuous readings fit no grid");
        assertNull(r.get("few"), "7 readings: too few to tell a grid from chance");
        double tick = number(r, "tick");
        assertTrue(tick > 0 && tick <= 0.005 + 1e-9, "pingscope's page is cross-origin isolated: 5 us or finer, got " + tick);
    }

    /**
     * For each distribution, clock and n: the mean over seeded runs of the spread median is near the true
     * median (within 0.2 step; the spread median is the estimator pingscope reports), while the plain median of
     * the coarse readings misses the narrow distribution by over 0.25 ms at 1 ms steps. And the error bound
     * holds |p50 - p50 of the same RTTs read exactly| in at least 95 % of all runs (at least 85 % of each
     * case's). Prints the bound per n at 1 ms: how many samples 0.5 ms needs.
     */
    @Test
    @SuppressWarnings("unchecked")
    void the_spread_median_is_unbiased_on_every_coarse_clock_and_its_error_bound_covers_95_percent_of_runs() {
        int runs = 40;
        int covered = 0;
        int total = 0;
        for (String dist : List.of("exponential", "narrow")) {
            for (String browser : CLOCKS) {
                for (int n : new int[] {50, 200, 1000}) {
                    double step = ((Number) CLOCK.get(browser).get(0)).doubleValue();
                    Map<String, Object> r = eval("""
                            ([dist, step, model, n, runs]) => {
                              const d = harness.dists[dist], next = pingscope.stats.random(n * 31 + Math.round(step * 10));
                              let est = 0, naive = 0, covered = 0, bounds = [];
                              for (let t = 0; t < runs; t++) {
                                const exact = Array.from({ length: n }, () => d.draw(next));
                                const read = exact.map((x) => harness.read(x, step, model, next));
                                const p50 = clock.spreadPercentile(Float64Array.from(read).sort(), 50, step);
                                const bound = clock.errorBound(read, step, { seed: t + 1 });
                                if (Math.abs(p50 - harness.median(exact)) <= bound) covered++;
                                bounds.push(bound);
                                est += p50 / runs;
                                naive += harness.median(read) / runs;
                              }
                              return { truth: d.median, est, naive, covered, bound: harness.median(bounds) };
                            }
                            """, List.of(dist, step, CLOCK.get(browser).get(1), n, runs));
                    double truth = number(r, "truth");
                    System.out.printf("%-11s %-8s n=%4d  true p50 %.3f  spread p50 %.3f (mean of %d runs)  plain p50 %.3f"
                                    + "  bound %.3f ms (median)  covered %d of %d%n",
                            dist, browser, n, truth, number(r, "est"), runs, number(r, "naive"), number(r, "bound"),
                            (long) number(r, "covered"), runs);
                    assertEquals(truth, number(r, "est"), 0.2 * step, dist + " on " + browser + "'s clock, n = " + n);
                    if (dist.equals("narrow") && step == 1) {
                        assertTrue(Math.abs(number(r, "naive") - truth) > 0.25,
                                "the plain median snaps to the grid: " + number(r, "naive") + " for " + truth);
                    }
                    assertTrue(number(r, "covered") >= 0.85 * runs, dist + " on " + browser + ", n = " + n
                            + ": bound covered " + number(r, "covered") + " of " + runs);
                    covered += (int) number(r, "covered");
                    total += runs;
                }
            }
        }
        System.out.printf("error bound covered %d of %d runs (%.1f %%)%n", covered, total, 100.0 * covered / total);
        assertTrue(covered >= 0.95 * total, "covered " + covered + " of " + total);

        List<Object> needed = (List<Object>) page.evaluate("""
                () => [10, 20, 30, 50, 100].map((n) => {
                  const next = pingscope.stats.random(n), bounds = [];
                  for (let t = 0; t < 20; t++) {
                    const read = Array.from({ length: n }, () => harness.read(harness.dists.exponential.draw(next), 1, 'jitter', next));
                    bounds.push(clock.errorBound(read, 1, { seed: t + 1 }));
                  }
                  return [n, harness.median(bounds)];
                })
                """);
        System.out.println("1 ms clock, 0.3 ms + exponential(1 ms): median error bound by n " + needed);
    }

    @Test
    void the_comparison_widens_its_interval_by_the_clocks_bounds_and_says_so() {
        Map<String, Object> c = eval("""
                ([a, b]) => clock.compareClocked(a, b, { stepA: 1, stepB: 1, boundA: 0.3, boundB: 0.4, seed: 1 })
                """, List.of(List.of(10, 10, 10, 10, 10, 10), List.of(2, 2, 2, 2, 2, 2)));
        assertEquals(8, number(c, "difference"), 1e-9, "constant readings: the spread medians are the readings");
        assertEquals(0.5, number(c, "clock"), 1e-12, "hypot(0.3, 0.4)");
        assertEquals(7.5, number(c, "low"), 1e-9, "every resample gives 8; less the clock's 0.5");
        assertEquals(8.5, number(c, "high"), 1e-9);
        assertEquals("HTTP HEAD is slower than WebSocket echo by 8.00 ms at the median (95 % interval of HEAD minus "
                + "echo, the clock's ±0.50 ms included: 7.50 to 8.50 ms).", c.get("verdict"));

        Map<String, Object> close = eval("""
                ([a, b]) => clock.compareClocked(a, b, { stepA: 1, stepB: 1, boundA: 0.3, boundB: 0.4, seed: 1 })
                """, List.of(List.of(3, 3, 3, 3, 3, 3), List.of(3.2, 3.2, 3.2, 3.2, 3.2, 3.2)));
        assertTrue(((String) close.get("verdict")).startsWith("No clear difference"),
                "0.2 ms apart, inside the clock's 0.5: " + close.get("verdict"));
    }

    /**
     * A run stopped before any HEAD answer (CI: Space on Stop 44 ms into the run) has no reading to take a step
     * from: the clock must say so with step and errorBound both null, as the saved-run contract wants and the
     * summary table can print, not the tick with a null bound (the page failed on it).
     */
    @Test
    void a_kind_without_samples_has_neither_step_nor_error_bound() {
        Map<String, Object> r = eval("""
                () => clock.default({ precise: {}, comparison: null, probes: {
                  http_head: { count: 0, samples: [] },
                  ws_echo: { count: 2, samples: [{ rtt: 1.2 }, { rtt: 1.3 }] } } }).probes
                """, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> head = (Map<String, Object>) ((Map<String, Object>) r.get("http_head")).get("clock");
        @SuppressWarnings("unchecked")
        Map<String, Object> echo = (Map<String, Object>) ((Map<String, Object>) r.get("ws_echo")).get("clock");
        assertNull(head.get("step"), "no HEAD reading, no step: " + head);
        assertNull(head.get("errorBound"), "and no bound: " + head);
        assertEquals(false, head.get("quantized"));
        assertTrue(echo.get("step") != null && echo.get("errorBound") != null, "the echo's readings give both: " + echo);
    }

    @Test
    void server_timing_is_subtracted_not_exposed_or_partly() {
        Map<String, Object> r = eval("""
                () => ({ all: clock.serverTiming([{ server: 0 }, { server: 0.05 }]),
                         none: clock.serverTiming([{ server: null }, { server: null }]),
                         some: clock.serverTiming([{ server: 0.1 }, { server: null }]),
                         empty: clock.serverTiming([]) })
                """, null);
        assertEquals("subtracted", r.get("all"), "app;dur=0.000 is a time of 0, not an absent header");
        assertEquals("not exposed", r.get("none"));
        assertEquals("partly", r.get("some"));
        assertNull(r.get("empty"));
    }
}
