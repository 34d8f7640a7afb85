package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A run's result says what clock timed each kind: on pingscope's own (cross-origin isolated) page Chromium's
 * 5 us clock, on a page of another origin its 100 us clock, whose percentiles then leave the grid. And a
 * HEAD answer whose Server-Timing the page cannot read is said to be so, not taken as 0.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class ClockFieldsTest {
    static final Map<String, Object> OPTIONS = Map.of("rounds", 40, "interval", 25, "warmup", 2, "report", false);

    static HttpServer embedder;
    static TestServer ts;
    static Browser browser;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        embedder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ts = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of(embedderOrigin())));
        ExampleSite.serve(embedder, pingscope());
        browser = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
        embedder.stop(0);
    }

    static String embedderOrigin() {
        return "http://127.0.0.1:" + embedder.getAddress().getPort();
    }

    static String pingscope() {
        return "http://127.0.0.1:" + ts.server.port();
    }

    /** The figures the assertions read, from a run of pingscope.measure(OPTIONS) on page. */
    static final String RUN = """
            async (o) => {
              const r = await pingscope.measure(o);
              const clock = await import(new URL('pingscope-clock.js', pingscope.home));
              const kinds = {};
              for (const [k, p] of Object.entries(r.probes)) {
                kinds[k] = { clock: p.clock, count: p.count, serverTiming: p.serverTiming ?? null,
                             p50: p.p50, p90: p.p90,
                             spread: [50, 90].map((q) => clock.spreadPercentile(Float64Array.from(p.samples.map((s) => s.rtt)).sort(), q, p.clock.step)),
                             servers: p.samples.map((s) => s.server ?? null),
                             raw: p.samples.map((s) => s.kind === 'http_head' ? s.rtt + (s.server ?? 0) : s.rtt) };
              }
              return { kinds, precise: r.precise, comparison: r.comparison, errors: r.errors, isolated: crossOriginIsolated };
            }
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> kind(Map<String, Object> run, String kind) {
        return (Map<String, Object>) ((Map<String, Object>) run.get("kinds")).get(kind);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> clock(Map<String, Object> run, String kind) {
        return (Map<String, Object>) kind(run, kind).get("clock");
    }

    static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(Page page) {
        Map<String, Object> run = (Map<String, Object>) page.evaluate(RUN, OPTIONS);
        assertEquals(List.of(), run.get("errors"));
        return run;
    }

    @Test
    @SuppressWarnings("unchecked")
    void on_pingscopes_isolated_page_every_kind_has_a_fine_clock_and_plain_percentiles() {
        Page page = browser.newPage();
        try {
            ConsoleErrors errors = ConsoleErrors.of(page);
            page.navigate(pingscope() + "/");
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = run(page);
            assertEquals(true, run.get("isolated"));
            for (String k : List.of("http_head", "ws_echo")) {
                Map<String, Object> c = clock(run, k);
                System.out.printf("isolated page, %s: clock %s%n", k, c);
                assertEquals(true, c.get("isolated"), k);
                assertEquals(false, c.get("quantized"), k);
                assertTrue(number(c, "step") <= 0.005, k + ": Chromium's isolated clock is 5 us, got " + c.get("step"));
                assertEquals(2 * number(c, "step"), number(c, "errorBound"), 1e-12, k + ": two steps");
            }
            Map<String, Object> ping = clock(run, "ws_ping");
            assertTrue(ping.get("step") == null || number(ping, "step") <= 0.001, "the server's clock: " + ping);
            assertEquals("subtracted", kind(run, "http_head").get("serverTiming"));
            double tick = number((Map<String, Object>) run.get("precise"), "tick");
            assertTrue(tick > 0 && tick <= 0.005, "performance.now() ticks by at most 5 us here: " + tick);
            assertNull(((Map<String, Object>) run.get("comparison")).get("clock"), "no clock to widen the interval by");
            assertEquals(List.of(), errors.list());
        } finally {
            page.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void on_another_origins_page_chromiums_100_us_clock_is_found_and_the_percentiles_leave_its_grid() {
        Page page = browser.newPage();
        try {
            ConsoleErrors errors = ConsoleErrors.of(page);
            page.navigate(embedderOrigin() + "/");
            page.addScriptTag(new Page.AddScriptTagOptions().setUrl(pingscope() + "/pingscope.js"));
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = run(page);
            assertEquals(false, run.get("isolated"));
            for (String k : List.of("http_head", "ws_echo")) {
                Map<String, Object> c = clock(run, k);
                System.out.printf("another origin, %s: clock %s%n", k, c);
                assertEquals(false, c.get("isolated"), k);
                assertEquals(0.1, number(c, "step"), 1e-12, k + ": Chromium's 100 us clock");
                assertEquals(true, c.get("quantized"), k);
                double bound = number(c, "errorBound");
                assertTrue(bound >= 0.15 * 0.1 && bound < 2 * 0.1, k + ": more than what the grid hides, under two steps: " + bound);
                for (Object v : (List<Object>) kind(run, k).get("raw")) {
                    double reading = ((Number) v).doubleValue();
                    assertEquals(Math.round(reading * 10) / 10.0, reading, 1e-6, k + ": every reading is on the grid");
                }
                List<Object> spread = (List<Object>) kind(run, k).get("spread");
                assertEquals(((Number) spread.get(0)).doubleValue(), number(kind(run, k), "p50"), 1e-12, k + ": p50 is the spread p50");
                assertEquals(((Number) spread.get(1)).doubleValue(), number(kind(run, k), "p90"), 1e-12, k + ": p90 is the spread p90");
            }
            Map<String, Object> comparison = (Map<String, Object>) run.get("comparison");
            assertNotNull(comparison.get("clock"), "the interval includes the clock's bounds: " + comparison);
            assertEquals(Math.hypot(number(clock(run, "http_head"), "errorBound"), number(clock(run, "ws_echo"), "errorBound")),
                    number(comparison, "clock"), 1e-9);
            assertTrue(((String) comparison.get("verdict")).contains("the clock's ±"), (String) comparison.get("verdict"));
            assertEquals(List.of(), errors.list());
        } finally {
            page.close();
        }
    }

    /** A browser that hides Server-Timing (Safari cross-origin, a proxy that strips it) gives the page null. */
    @Test
    @SuppressWarnings("unchecked")
    void a_hidden_server_timing_header_is_said_to_be_not_exposed_and_nothing_is_subtracted() {
        Page page = browser.newPage();
        try {
            page.addInitScript("""
                    const get = Headers.prototype.get;
                    Headers.prototype.get = function (name) { return /^server-timing$/i.test(name) ? null : get.call(this, name); };
                    """);
            page.navigate(pingscope() + "/");
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = run(page);
            Map<String, Object> head = kind(run, "http_head");
            assertTrue(number(head, "count") > 0);
            assertEquals("not exposed", head.get("serverTiming"));
            for (Object server : (List<Object>) head.get("servers")) {
                assertNull(server, "no app;dur read: the sample's server is null, not 0");
            }
        } finally {
            page.close();
        }
    }

    /** The page's summary table has a row for each kind's clock: its step and what it leaves uncertain in p50. */
    @Test
    void the_pages_summary_table_shows_each_kinds_clock_step_and_error_bound() {
        Page page = browser.newPage();
        try {
            page.navigate(pingscope() + "/");
            page.fill("#duration", "1");
            page.fill("#interval", "50");
            page.click("#start");
            page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            for (String k : List.of("http_head", "ws_echo")) {
                String text = page.textContent("#summary td[data-kind=" + k + "][data-stat=clock]");
                assertTrue(text.matches("[0-9.]+ µs, ±0\\.01"), k + ": the isolated page's 5 µs clock, two steps: " + text);
            }
        } finally {
            page.close();
        }
    }

    /** Not a test: docs/screenshots/clock-page.png, the summary after a run on loopback. {@code -Dpingscope.screenshots=DIR}. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "pingscope.screenshots", matches = ".+")
    void screenshot() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("pingscope.screenshots"));
        java.nio.file.Files.createDirectories(dir);
        try (com.microsoft.playwright.BrowserContext context = browser.newContext(
                new Browser.NewContextOptions().setViewportSize(1000, 900))) {
            Page page = context.newPage();
            page.navigate(pingscope() + "/");
            page.fill("#duration", "3");
            page.fill("#interval", "50");
            page.click("#start");
            page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            page.locator("#summary").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions()
                    .setPath(dir.resolve("clock-page.png")));
        }
    }
}
