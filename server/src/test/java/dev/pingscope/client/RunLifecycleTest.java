package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/** What happens around a run: samples reach the server during it and when the page closes; hidden tabs; stopping. */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class RunLifecycleTest {
    static TestServer ts;
    static Browser browser;
    Page page;
    ConsoleErrors errors;

    @BeforeAll
    static void start(Browser shared) {
        ts = TestServer.start();
        browser = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @BeforeEach
    void openPage() {
        page = browser.newPage();
        errors = ConsoleErrors.of(page);
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
    }

    @AfterEach
    void closePage() {
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    /** HEAD and echo samples recorded from browsers so far. */
    static long browserSamples() throws Exception {
        JsonNode stats = ts.endInterval();
        return TestServer.totalCount(stats, "http_head", "browser")
                + TestServer.totalCount(stats, "ws_echo", "browser");
    }

    static int intValue(Object value) {
        return ((Number) value).intValue();
    }

    @Test
    void samples_reach_the_server_while_the_measurement_runs() throws Exception {
        long before = browserSamples();
        page.evaluate("() => { window.run = pingscope.measure({ duration: 4000, interval: 50, reportInterval: 300 })"
                + ".then((r) => { window.finished = r; }); }");
        TestServer.await("a report during the run", Duration.ofSeconds(3), () -> {
            try {
                return browserSamples() > before;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(false, page.evaluate("() => Boolean(window.finished)"), "the run was still going");
        page.waitForFunction("() => window.finished", null, new Page.WaitForFunctionOptions().setTimeout(10_000));
        @SuppressWarnings("unchecked")
        Map<String, Object> reported = (Map<String, Object>) page.evaluate("() => window.finished.reported");
        long kept = intValue(page.evaluate("() => window.finished.probes.http_head.count + window.finished.probes.ws_echo.count"));
        assertEquals(kept, intValue(reported.get("posted")), "every kept HEAD and echo sample posted: " + reported);
        assertEquals(before + kept, browserSamples(), "and recorded once");
    }

    @Test
    void samples_measured_before_the_page_closes_reach_the_server_by_sendBeacon() throws Exception {
        long before = browserSamples();
        // Reports are due only every 10 minutes: whatever arrives was sent as the page went away.
        page.evaluate("() => { window.kept = 0; pingscope.measure({ duration: 60000, interval: 50, reportInterval: 600000,"
                + " probes: ['http_head', 'ws_echo'], onSample: () => { window.kept++; } }); }");
        page.waitForFunction("() => window.kept >= 20");
        long keptBeforeLeaving = intValue(page.evaluate("() => window.kept"));
        assertEquals(before, browserSamples(), "nothing reported yet");
        page.navigate("about:blank");
        TestServer.await("the beacon's samples", Duration.ofSeconds(5), () -> {
            try {
                return browserSamples() - before >= keptBeforeLeaving;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_tab_hidden_during_the_run_is_reported_its_samples_are_marked_and_pending_samples_leave_by_beacon() {
        // Headless Chromium never hides a tab, so the test does what the browser does when one goes to the
        // background: document.visibilityState becomes 'hidden' and 'visibilitychange' fires.
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async () => {
                  let state = 'visible';
                  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
                  let echoes = 0;
                  const hideAfterFiveEchoes = (sample) => {
                    if (sample.kind === 'ws_echo' && ++echoes === 5) {
                      state = 'hidden';
                      document.dispatchEvent(new Event('visibilitychange'));
                    }
                  };
                  const r = await pingscope.measure({ rounds: 20, interval: 50, warmup: 0, probes: ['http_head', 'ws_echo'],
                                                      reportInterval: 600000, onSample: hideAfterFiveEchoes });
                  const echo = r.probes.ws_echo.samples;
                  return { tabHidden: r.tabHidden, reported: r.reported,
                           hidden: echo.filter((s) => s.hidden).length, visible: echo.filter((s) => !s.hidden).length };
                }
                """);
        assertEquals(true, result.get("tabHidden"));
        assertTrue(intValue(result.get("hidden")) > 0 && intValue(result.get("visible")) > 0,
                "samples after the change are marked hidden, those before are not: " + result);
        assertTrue(intValue(((Map<String, Object>) result.get("reported")).get("beacon")) > 0,
                "what was pending when the tab was hidden went by sendBeacon: " + result);
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_abort_signal_stops_the_run_and_the_promise_resolves_with_what_was_measured() {
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async () => {
                  const stop = new AbortController();
                  let kept = 0;
                  const r = await pingscope.measure({ duration: 10000, interval: 50, signal: stop.signal,
                      probes: ['http_head', 'ws_echo'], onSample: () => { if (++kept === 5) stop.abort(); } });
                  return { aborted: r.aborted, duration: r.duration, rounds: r.settings.rounds,
                           kept: r.probes.http_head.count + r.probes.ws_echo.count,
                           head: r.probes.http_head.count + r.probes.http_head.lost };
                }
                """);
        assertEquals(true, result.get("aborted"));
        assertEquals(200, intValue(result.get("rounds")));
        assertTrue(((Number) result.get("duration")).doubleValue() < 3000, "stopped early: " + result);
        assertEquals(5, intValue(result.get("kept")), "kept what it measured up to the stop, and nothing after it");
        assertTrue(intValue(result.get("head")) < 20, "sent no more probes after the stop: " + result);
    }

    @Test
    @SuppressWarnings("unchecked")
    void stopping_before_the_websocket_has_opened_resolves_cleanly() {
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async () => {
                  const stop = new AbortController();
                  const run = pingscope.measure({ duration: 1000, signal: stop.signal });
                  stop.abort();
                  const r = await run;
                  return { aborted: r.aborted, errors: r.errors, echo: r.probes.ws_echo.count };
                }
                """);
        assertEquals(true, result.get("aborted"));
        assertEquals(List.of(), result.get("errors"), "a stop is not a connection problem");
        assertEquals(0, intValue(result.get("echo")));
    }
}
