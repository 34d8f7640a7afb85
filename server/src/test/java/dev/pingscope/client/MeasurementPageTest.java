package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import dev.pingscope.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page at / in a real Chromium: runs, shows every number and both charts, fits a phone, works by keyboard. */
@ExtendWith(SharedBrowser.class)
class MeasurementPageTest {
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    static final List<String> NUMERIC_STATS = List.of("count", "lost", "min", "p50", "p90", "p99", "max", "mean",
            "stddev", "jitter_mean_abs_diff", "jitter_rfc3550");

    static TestServer ts;
    static Browser browser;

    @BeforeAll
    static void start(Browser shared) {
        ts = TestServer.start();
        browser = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    /** Sets a short run through the form, starts it with the mouse and waits for it to end. */
    static void runShortMeasurement(Page page, String seconds) {
        page.navigate(ts.uri("/").toString());
        page.fill("#duration", seconds);
        page.fill("#interval", "50");
        page.click("#start");
        page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(20_000));
    }

    @Test
    void a_short_run_shows_numbers_for_all_three_probe_kinds_the_verdict_and_both_charts() {
        Page page = browser.newPage();
        ConsoleErrors errors = ConsoleErrors.of(page);
        runShortMeasurement(page, "2");

        for (String kind : KINDS) {
            for (String stat : NUMERIC_STATS) {
                String text = page.textContent("td[data-kind=" + kind + "][data-stat=" + stat + "]");
                double value = Double.parseDouble(text);
                assertTrue(value >= 0, kind + " " + stat + " = " + text);
            }
            double count = Double.parseDouble(page.textContent("td[data-kind=" + kind + "][data-stat=count]"));
            assertTrue(count >= 3, kind + " has samples: " + count);
            assertTrue(page.locator("#timeline path.series." + kind).getAttribute("d").length() > 10, "timeline of " + kind);
            assertTrue(page.locator("#cdf path.series." + kind).getAttribute("d").length() > 10, "CDF of " + kind);
        }
        String verdict = page.textContent("#verdict");
        assertTrue(verdict.matches("(HTTP HEAD is (slower|faster) than WebSocket echo|No clear difference).*95 % interval of HEAD minus echo: .*"),
                verdict);
        String facts = page.textContent("#facts");
        assertTrue(facts.contains("HTTP: " + ts.server.config().instance()), facts);
        assertTrue(facts.contains("WebSocket: " + ts.server.config().instance()), facts);
        assertTrue(facts.contains("cross-origin isolated: yes; Resource Timing: yes"), facts);
        assertEquals("Resource Timing", page.textContent("td[data-kind=http_head][data-stat=timing]"));
        assertEquals("http/1.1", page.textContent("td[data-kind=http_head][data-stat=protocol]"), "plain HTTP: no h2");
        assertEquals("ws", page.textContent("td[data-kind=ws_echo][data-stat=protocol]"));
        assertEquals("ws", page.textContent("td[data-kind=ws_ping][data-stat=protocol]"));
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    void at_375_px_width_the_page_has_no_horizontal_scroll() {
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(375, 700));
        ConsoleErrors errors = ConsoleErrors.of(page);
        runShortMeasurement(page, "1");
        Object overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0, ((Number) overflow).intValue(), "document wider than the viewport by this many px");
        Object tooWide = page.evaluate("() => [...document.querySelectorAll('main *')]"
                + ".filter((e) => e.getBoundingClientRect().right > 375)"
                + ".map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + e.getBoundingClientRect().right)");
        assertEquals(List.of(), tooWide, "elements that end beyond 375 px (hidden in a scroll box)");
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    void start_and_stop_work_by_keyboard_alone() {
        Page page = browser.newPage();
        ConsoleErrors errors = ConsoleErrors.of(page);
        page.navigate(ts.uri("/").toString());
        for (int presses = 0; !"start".equals(focusedId(page)); presses++) {
            assertTrue(presses < 20, "Tab reaches the Start button");
            page.keyboard().press("Tab");
        }
        page.keyboard().press("Enter");
        page.waitForSelector("body[data-state=running]");
        assertEquals("stop", focusedId(page), "focus moves to Stop once a run starts");
        page.waitForSelector("td[data-kind=ws_echo][data-stat=count]:not(:text-is('0'))");
        page.keyboard().press("Space");
        page.waitForSelector("body[data-state=stopped]", new Page.WaitForSelectorOptions().setTimeout(5_000));
        assertTrue(page.textContent("#status").startsWith("Stopped after"), page.textContent("#status"));
        assertEquals("start", focusedId(page), "focus returns to Start");
        assertTrue(Double.parseDouble(page.textContent("td[data-kind=ws_echo][data-stat=count]")) >= 1,
                "the stopped run keeps what it measured");
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    void the_page_follows_the_dark_colour_scheme() {
        String light = backgroundIn(ColorScheme.LIGHT);
        String dark = backgroundIn(ColorScheme.DARK);
        assertEquals("rgb(255, 255, 255)", light);
        assertEquals("rgb(17, 20, 24)", dark);
    }

    private static String backgroundIn(ColorScheme scheme) {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setColorScheme(scheme))) {
            Page page = context.newPage();
            page.navigate(ts.uri("/").toString());
            return (String) page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor");
        }
    }

    private static String focusedId(Page page) {
        return (String) page.evaluate("() => document.activeElement && document.activeElement.id");
    }
}
