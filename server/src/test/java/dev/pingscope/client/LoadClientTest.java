package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * measure({ load }) in a real Chromium against a real server on loopback (docs/load.md): idle and loaded figures
 * per kind, goodput, streams and RPM, samples reported under their condition; and without a load, none of it,
 * and pingscope-load.js is never fetched.
 */
@ExtendWith(SharedBrowser.class)
class LoadClientTest {
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    /** Short enough for a test: ramp intervals of 250 ms, at most 6 s with the load. */
    static final String LOADED_RUN = "(load) => pingscope.measure({ load, duration: 2000, interval: 50, loadInterval: 250,"
            + " loadDuration: 6000, seed: 1 })";

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

    /** A page of the server's own, with the URLs it requested recorded. */
    static Page open(List<String> requested) {
        Page page = browser.newPage();
        page.onRequest(request -> requested.add(request.url()));
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        return page;
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_download_run_gives_loaded_figures_per_kind_goodput_streams_and_rpm_and_reports_under_download() throws Exception {
        List<String> requested = new CopyOnWriteArrayList<>();
        Page page = open(requested);
        ConsoleErrors errors = ConsoleErrors.of(page);
        page.evaluate("(run) => eval(run)('download').then((r) => (window.loadResult = r))", LOADED_RUN);
        page.waitForFunction("() => window.loadResult", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
        Map<String, Object> result = (Map<String, Object>) page.evaluate("() => { const r = loadResult;"
                + " return { load: r.load, errors: r.errors, aborted: r.aborted,"
                + " probes: Object.fromEntries(Object.entries(r.probes).map(([k, p]) => [k, { idle: { count: p.count, p50: p.p50 },"
                + "   loaded: p.loaded && { count: p.loaded.count, lost: p.loaded.lost, p50: p.loaded.p50, p90: p.loaded.p90,"
                + "     p99: p.loaded.p99, max: p.loaded.max, samples: p.loaded.samples.length }, increase: p.increase }])) }; }");
        assertEquals(List.of(), result.get("errors"));
        assertEquals(false, result.get("aborted"));

        Map<String, Object> load = (Map<String, Object>) result.get("load");
        assertNotNull(load, "result.load");
        assertEquals("download", load.get("direction"));
        assertTrue(number(load, "goodputMbps") > 0, "goodput: " + load);
        assertTrue(number(load, "streams") >= 1 && number(load, "streams") <= 16, "streams: " + load);
        assertTrue(number(load, "rpm") > 0, "rpm: " + load);
        assertTrue(List.of("low", "medium", "high").contains(load.get("confidence")), "confidence: " + load);
        Map<String, Object> foreign = (Map<String, Object>) load.get("foreign");
        assertTrue(number(foreign, "sent") > number(foreign, "lost"), "foreign probes answered: " + foreign);
        assertTrue(number(foreign, "http") > 0, "foreign http_f: " + foreign);

        Map<String, Object> probes = (Map<String, Object>) result.get("probes");
        for (String kind : KINDS) {
            Map<String, Object> p = (Map<String, Object>) probes.get(kind);
            Map<String, Object> idle = (Map<String, Object>) p.get("idle");
            Map<String, Object> loaded = (Map<String, Object>) p.get("loaded");
            assertNotNull(loaded, kind + ".loaded");
            assertTrue(number(idle, "count") >= 3, kind + " idle: " + idle);
            assertTrue(number(loaded, "count") >= 1, kind + " loaded: " + loaded);
            assertEquals(number(loaded, "count"), number(loaded, "samples"), kind + ": loaded count is its samples");
            assertTrue(number(loaded, "p50") > 0 && number(loaded, "p90") >= number(loaded, "p50")
                    && number(loaded, "max") >= number(loaded, "p99"), kind + " loaded percentiles: " + loaded);
            Map<String, Object> increase = (Map<String, Object>) p.get("increase");
            assertEquals(number(loaded, "p50") - number(idle, "p50"), number(increase, "p50"), 1e-9, kind + " increase.p50");
        }

        // The intake recorded the loaded samples under their condition, and the loaded WebSocket's PINGs too.
        JsonNode stats = ts.endInterval();
        for (String kind : List.of("http_head", "ws_echo")) {
            long loadedCount = (long) number((Map<String, Object>) ((Map<String, Object>) probes.get(kind)).get("loaded"), "count");
            assertEquals(loadedCount, TestServer.series(stats, kind, "browser", "download", "total").get("count").asLong(),
                    kind + ": every kept loaded sample arrived as browser/download");
        }
        assertTrue(TestServer.series(stats, "ws_ping", "server", "download", "total").get("count").asLong() >= 1,
                "the server timed PINGs on the /ws?load=download connection");
        assertTrue(requested.stream().anyMatch(u -> u.endsWith("/pingscope-load.js")), "the load code was fetched");
        assertTrue(requested.stream().anyMatch(u -> u.contains("/load/download")), "load streams went out");
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void without_load_there_is_no_loaded_figure_no_load_request_and_the_load_code_is_not_fetched() {
        List<String> requested = new CopyOnWriteArrayList<>();
        Page page = open(requested);
        ConsoleErrors errors = ConsoleErrors.of(page);
        Map<String, Object> result = (Map<String, Object>) page.evaluate("() => pingscope.measure({ duration: 600, interval: 50 })"
                + ".then((r) => ({ hasLoad: 'load' in r, loaded: Object.values(r.probes).filter((p) => 'loaded' in p || 'increase' in p).length,"
                + " counts: Object.values(r.probes).map((p) => p.count) }))");
        assertEquals(false, result.get("hasLoad"), "no result.load without a load");
        assertEquals(0, ((Number) result.get("loaded")).intValue(), "no loaded figures without a load");
        assertTrue(((List<Number>) result.get("counts")).stream().allMatch(c -> c.intValue() >= 1), "the idle run measured");
        assertFalse(requested.stream().anyMatch(u -> u.contains("pingscope-load") || u.contains("/load/")),
                "nothing of the load was requested: " + requested);
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    void an_unknown_load_is_refused_before_anything_is_measured() {
        Page page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        String message = (String) page.evaluate("() => pingscope.measure({ load: 'sideways' }).then(() => 'resolved', (e) => e.message)");
        assertTrue(message.contains("options.load must be"), message);
        page.close();
    }

    private static double number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        assertNotNull(v, key + " in " + map);
        return ((Number) v).doubleValue();
    }
}
