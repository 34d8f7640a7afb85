package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestServer;
import dev.pingscope.browser.InEveryBrowser;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * pingscope.js measures what the network adds, in Chromium, Firefox and WebKit: a delaying proxy between the browser
 * and the server adds a known round-trip time, and every probe kind sees it. The baseline goes through an identical
 * proxy that holds nothing, so the proxy's own thread hops (a reader's wake-up each way, which its held time cannot
 * see) are in both and cancel. Through the delaying proxy: late answers count as lost, and probes keep their schedule
 * when answers take longer than the interval (open loop).
 */
@Isolated // timing: a busy neighbour would move its figures
@ExtendWith(SharedBrowser.class)
class MeasurementAccuracyTest {
    static final Duration ONE_WAY_DELAY = Duration.ofMillis(20);
    static final double ADDED_RTT_MS = 2 * ONE_WAY_DELAY.toMillis();
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");

    static TestServer ts;
    static DelayingProxy proxy;
    /** The same hops as {@link #proxy}, holding nothing: the baseline. */
    static DelayingProxy control;

    @BeforeAll
    static void start() throws Exception {
        ts = TestServer.start();
        proxy = DelayingProxy.start(ts.server.port(), ONE_WAY_DELAY);
        control = DelayingProxy.start(ts.server.port(), Duration.ZERO);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        control.close();
        ts.close();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Opens the pingscope page at origin and runs pingscope.measure(options) there; returns the whole result. */
    static Map<String, Object> measureFrom(TestBrowser browser, String origin, Map<String, Object> options) {
        return measureAtOnce(browser, List.of(origin), options).get(0);
    }

    /**
     * Runs pingscope.measure(options) on one page per origin, all at the same time, and returns their
     * results in the same order. Measured side by side, the runs share whatever else the machine is doing.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> measureAtOnce(TestBrowser browser, List<String> origins, Map<String, Object> options) {
        List<TestPage> pages = new ArrayList<>();
        try {
            for (String origin : origins) {
                TestPage page = browser.newPage();
                pages.add(page);
                page.navigate(origin + "/");
                page.waitForFunction("() => window.pingscope");
            }
            for (TestPage page : pages) {
                page.evaluate("(o) => { window.run = pingscope.measure(o); }", options);
            }
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
                Map<String, Object> result = (Map<String, Object>) pages.get(i).evaluate("() => window.run");
                assertEquals(List.of(), result.get("errors"), origins.get(i) + ": measurement errors");
                assertEquals(List.of(), pages.get(i).consoleErrors(), origins.get(i) + ": no console errors");
                results.add(result);
            }
            return results;
        } finally {
            pages.forEach(TestPage::close);
        }
    }

    static String direct() {
        return "http://127.0.0.1:" + ts.server.port();
    }

    static String throughProxy() {
        return "http://127.0.0.1:" + proxy.port();
    }

    static String throughControl() {
        return "http://127.0.0.1:" + control.port();
    }

    static void resetHeld() {
        proxy.resetHeld();
        control.resetHeld();
    }

    /** The round-trip time the delaying proxy held each probe longer than the control did (both ways, p50). */
    static double injectedMillis() {
        return 2 * (proxy.heldMillisP50() - control.heldMillisP50());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> probe(Map<String, Object> result, String kind) {
        return (Map<String, Object>) ((Map<String, Object>) result.get("probes")).get(kind);
    }

    static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> samples(Map<String, Object> result, String kind) {
        return (List<Map<String, Object>>) probe(result, kind).get("samples");
    }

    /**
     * The control and the delaying runs go side by side, so both meet the same machine. The delay compared
     * against is how much longer the delaying proxy really held each chunk than the control (twice, there and
     * back): on a busy machine a timer wakes a little late, and that lateness is the proxy's, not pingscope's.
     */
    @InEveryBrowser
    void every_probe_kind_measures_the_injected_round_trip_delay_within_2_ms(TestBrowser browser) {
        Map<String, Object> options = Map.of("duration", 3000, "interval", 50);
        resetHeld();
        List<Map<String, Object>> runs = measureAtOnce(browser, List.of(throughControl(), throughProxy()), options);
        Map<String, Object> baseline = runs.get(0);
        Map<String, Object> proxied = runs.get(1);
        double injectedMs = injectedMillis();
        System.out.printf("the proxy held each chunk %.2f ms, the control %.2f ms (p50; asked %d ms): %.2f ms injected per round trip%n",
                proxy.heldMillisP50(), control.heldMillisP50(), ONE_WAY_DELAY.toMillis(), injectedMs);
        assertEquals(ADDED_RTT_MS, injectedMs, 5.0, "the proxy injects about the delay asked of it");
        for (String kind : KINDS) {
            double base = number(probe(baseline, kind), "p50");
            double measured = number(probe(proxied, kind), "p50");
            System.out.printf("%s %-9s p50 through the control %6.2f ms, through the proxy %6.2f ms (expected %6.2f, %d samples)%n",
                    browser, kind, base, measured, base + injectedMs, (long) number(probe(proxied, kind), "count"));
            assertTrue(number(probe(proxied, kind), "count") >= 5, kind + " has samples");
            assertEquals(base + injectedMs, measured, 2.0,
                    kind + ": p50 through the proxy = p50 through the control + the " + injectedMs + " ms the proxy held it longer");
        }
    }

    /** Makes every event's timeStamp 0, so that pingscope.js times the echo by performance.now() in the handler. */
    static final String NO_EVENT_TIMESTAMP = "Object.defineProperty(Event.prototype, 'timeStamp', { get: () => 0 });";

    /**
     * Not a speed assertion: prints what timing the echo by its message event's timeStamp changes. Two pages
     * at once, through the control and through the proxy, with the event's timeStamp, then two without it (made 0, so
     * the handler's performance.now() is used); the error is |p50 through the proxy - p50 through the control - injected|, and
     * echo - PING is what the page adds over the server's own PING on the same connection. Asserted: Chromium
     * gives a WebSocket message a timeStamp on performance.now()'s clock, at or before the handler runs.
     */
    @Test // Chromium only: it takes Playwright's init scripts
    @SuppressWarnings("unchecked")
    void the_echo_is_timed_by_its_message_events_timestamp_and_the_figures_with_and_without_it_are_printed(Browser browser) {
        Page probe = browser.newPage();
        try {
            probe.navigate(direct() + "/");
            Map<String, Object> gaps = (Map<String, Object>) probe.evaluate("""
                    () => new Promise((resolve) => {
                      const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws'), gaps = [];
                      let n = 0;
                      ws.onmessage = (e) => {
                        const now = performance.now();
                        if (e.data[0] === 'e') gaps.push(now - e.timeStamp);
                        if (n < 40) setTimeout(() => ws.send(`e${++n}`), 5);
                        else { ws.close(); gaps.sort((a, b) => a - b); resolve({ min: gaps[0], p50: gaps[gaps.length >> 1], max: gaps.at(-1), n: gaps.length }); }
                      };
                    })
                    """);
            System.out.printf("performance.now() in the handler minus the message event's timeStamp: min %.3f, p50 %.3f, max %.3f ms (%d echoes)%n",
                    number(gaps, "min"), number(gaps, "p50"), number(gaps, "max"), (long) number(gaps, "n"));
            assertTrue(number(gaps, "min") >= 0, "the timeStamp is never after the handler's performance.now()");
            assertTrue(number(gaps, "max") < 1000, "the timeStamp is on performance.now()'s clock, not the epoch's");
        } finally {
            probe.close();
        }
        Map<String, Object> options = Map.of("duration", 3000, "interval", 50);
        // Three repetitions, judged by the median error: one repetition that a neighbour's burst of CPU lands on
        // (CI saw a 4.7 ms mean over two) must not decide, while a timeStamp that is wrong is wrong in all three.
        int repetitions = 3;
        List<List<Double>> errors = List.of(new ArrayList<>(), new ArrayList<>());
        double[] overPing = new double[2];
        for (int r = 0; r < repetitions; r++) {
            // The two variants take turns, each with its control and proxied page measuring at once: four pages at
            // once on two slow cores put 5-14 ms of the browser's own queueing into the control's p50.
            for (int variant = 0; variant < 2; variant++) {
                resetHeld();
                List<Page> pages = new ArrayList<>();
                try {
                    for (String origin : List.of(throughControl(), throughProxy())) {
                        Page page = browser.newPage();
                        pages.add(page);
                        if (variant == 1) {
                            page.addInitScript(NO_EVENT_TIMESTAMP);
                        }
                        page.navigate(origin + "/");
                        page.waitForFunction("() => window.pingscope");
                    }
                    for (Page page : pages) {
                        page.evaluate("(o) => { window.run = pingscope.measure(o); }", options);
                    }
                    Map<String, Object> base = (Map<String, Object>) pages.get(0).evaluate("() => window.run");
                    Map<String, Object> proxied = (Map<String, Object>) pages.get(1).evaluate("() => window.run");
                    double injected = injectedMillis();
                    double echoControl = number(probe(base, "ws_echo"), "p50");
                    double echoProxied = number(probe(proxied, "ws_echo"), "p50");
                    double e = Math.abs(echoProxied - echoControl - injected);
                    double over = echoControl - number(probe(base, "ws_ping"), "p50");
                    errors.get(variant).add(e);
                    overPing[variant] += over / repetitions;
                    System.out.printf("run %d, %-29s echo p50 control %.3f, proxied %.3f (injected %.2f): error %.3f ms; echo - PING %.3f ms%n",
                            r + 1, variant == 0 ? "event timeStamp:" : "performance.now() in handler:",
                            echoControl, echoProxied, injected, e, over);
                } finally {
                    pages.forEach(Page::close);
                }
            }
        }
        double withTimeStamp = median(errors.get(0));
        System.out.printf("echo over %d runs: median error %.3f ms with the event's timeStamp, %.3f ms without; "
                + "mean echo - PING %.3f ms with, %.3f ms without%n",
                repetitions, withTimeStamp, median(errors.get(1)), overPing[0], overPing[1]);
        assertTrue(withTimeStamp < 2.0, "the echo tracks the injected delay with the event's timeStamp: median error "
                + withTimeStamp + " ms of " + errors.get(0));
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void a_probe_unanswered_within_its_timeout_counts_as_lost_and_warm_up_rounds_are_discarded(TestBrowser browser) {
        Map<String, Object> result = measureFrom(browser, throughProxy(), Map.of(
                "probes", List.of("http_head", "ws_echo"), "rounds", 10, "interval", 50, "timeout", 15, "warmup", 2));
        Map<String, Object> discarded = (Map<String, Object>) ((Map<String, Object>) result.get("warmup")).get("discarded");
        for (String kind : List.of("http_head", "ws_echo")) {
            assertEquals(0, number(probe(result, kind), "count"), kind + ": a 40 ms round trip never beats a 15 ms timeout");
            assertEquals(8, number(probe(result, kind), "lost"), kind + ": 10 rounds minus 2 warm-up rounds, all lost");
            assertEquals(10, number(probe(result, kind), "lost") + number(discarded, kind), kind + ": every probe is accounted for");
        }
        assertEquals(ts.server.config().http().instance(), ((Map<String, Object>) result.get("instances")).get("ws"),
                "the WebSocket was open: its echoes were late, not missing");
    }

    @InEveryBrowser
    void probes_go_out_on_schedule_in_random_order_even_when_answers_take_longer_than_the_interval(TestBrowser browser) {
        int rounds = 30;
        int intervalMs = 20;
        Map<String, Object> result = measureFrom(browser, throughProxy(), Map.of(
                "probes", List.of("http_head", "ws_echo"), "rounds", rounds, "interval", intervalMs, "warmup", 0));
        List<Map<String, Object>> head = samples(result, "http_head");
        List<Map<String, Object>> echo = samples(result, "ws_echo");
        assertEquals(rounds, head.size(), "every HEAD probe answered");
        assertEquals(rounds, echo.size(), "every echo answered");
        assertTrue(number(probe(result, "ws_echo"), "p50") > ADDED_RTT_MS, "each answer takes longer than the interval");

        List<Double> gaps = new ArrayList<>();
        int headFirst = 0;
        for (int i = 0; i < rounds; i++) {
            assertEquals(i, ((Number) head.get(i).get("round")).intValue());
            if (i > 0) {
                gaps.add(number(head.get(i), "at") - number(head.get(i - 1), "at"));
            }
            if (number(head.get(i), "at") < number(echo.get(i), "at")) {
                headFirst++;
            }
        }
        Collections.sort(gaps);
        double medianGap = gaps.get(gaps.size() / 2);
        assertTrue(medianGap < 30, "open loop: HEAD probes start every " + intervalMs
                + " ms, not after each 40 ms answer; median gap " + medianGap);
        assertTrue(number(result, "duration") < rounds * ADDED_RTT_MS, "the run took " + number(result, "duration")
                + " ms, less than one answer after another would take");
        assertTrue(headFirst > 0 && headFirst < rounds, "each round shuffles the order: HEAD went first in "
                + headFirst + " of " + rounds + " rounds");
    }
}
