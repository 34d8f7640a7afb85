package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.browser.BrowserKind;
import dev.pingscope.browser.InEveryBrowser;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * measure({ load }) in Chromium, Firefox and WebKit against a real server on loopback (docs/load.md): idle and loaded figures
 * per kind, goodput, streams and RPM, samples reported under their condition; and without a load, none of it,
 * and pingscope-load.js is never fetched.
 */
@ResourceLock(TestResources.BANDWIDTH)
@ResourceLock(TestResources.SHARED_BROWSERS)
class LoadClientTest {
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    /** Short enough for a test: ramp intervals of 250 ms, at most 6 s with the load. */
    static final String LOADED_RUN = "(load) => pingscope.measure({ load, duration: 2000, interval: 50, loadInterval: 250,"
            + " loadDuration: 6000, seed: 1 })";

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = TestServer.start();
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    /**
     * A page of the server's own, keeping the URL of every resource it fetches from now on in window.requested
     * (Resource Timing sees them in every browser; request events are Playwright's alone).
     */
    static TestPage open(TestBrowser browser) {
        TestPage page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        page.evaluate("() => { window.requested = []; new PerformanceObserver((list) => {"
                + " for (const e of list.getEntries()) requested.push(e.name); }).observe({ type: 'resource', buffered: true }); }");
        return page;
    }

    @SuppressWarnings("unchecked")
    static List<String> requested(TestPage page) {
        return (List<String>) page.evaluate("() => requested");
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void a_download_run_gives_loaded_figures_per_kind_goodput_streams_and_rpm_and_reports_under_download(TestBrowser browser)
            throws Exception {
        JsonNode before = ts.endInterval(); // the class's server serves each browser in turn: count this run's samples only
        TestPage page = open(browser);
        page.evaluate("(run) => { eval(run)('download').then((r) => (window.loadResult = r)); }", LOADED_RUN);
        page.waitForFunction("() => window.loadResult", null, Duration.ofSeconds(30));
        List<String> requested = requested(page);
        Map<String, Object> result = (Map<String, Object>) page.evaluate("() => { const r = loadResult;"
                + " return { load: r.load, errors: r.errors, aborted: r.aborted, outcomes: r.outcomes,"
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
        assertTrue(List.of("poor", "fair", "good", "excellent").contains(load.get("rpmBand")), "rpmBand: " + load);
        // One verdict per use (docs/outcomes.md), decided by the idle line or the download load.
        List<Map<String, Object>> outcomes = (List<Map<String, Object>>) result.get("outcomes");
        assertEquals(List.of("video_calls", "online_games", "streaming", "browsing"), outcomes.stream().map(o -> o.get("use")).toList());
        for (Map<String, Object> o : outcomes) {
            assertTrue(List.of("good", "fair", "poor").contains(o.get("rating")), o.toString());
            assertTrue(List.of("idle", "download").contains(o.get("condition")), o.toString());
            assertEquals(o.get("rating") + " for " + o.get("name") + ": " + o.get("reason"), o.get("sentence"));
            assertTrue(((Map<String, Object>) o.get("conditions")).containsKey("download"), "the loaded phase judged: " + o);
        }
        Map<String, Object> foreign = (Map<String, Object>) load.get("foreign");
        assertTrue(number(foreign, "sent") > number(foreign, "lost"), "foreign probes answered: " + foreign);
        assertTrue(number(foreign, "http") > 0, "foreign http_f: " + foreign);
        System.out.printf("browser load on loopback: foreign %s, self %s%n", foreign, load.get("self"));
        // Each foreign probe on a connection of its own (the server closes it after the answer), so tcp_f is there.
        double answered = number(foreign, "sent") - number(foreign, "lost");
        assertTrue(number(foreign, "newConnections") >= 0.5 * answered && number(foreign, "tcp") > 0,
                "foreign probes on new connections: " + foreign);
        // The self probes are the kernel's RTT of the download connections, which the server read (TCP_INFO).
        Map<String, Object> self = (Map<String, Object>) load.get("self");
        assertEquals("tcp_info", self.get("source"), "self probes: " + self);
        assertTrue(number(self, "trimmedMeanMs") > 0, "TM(http_l): " + self);
        assertEquals(null, self.get("unavailable"), "self probes: " + self);
        assertEquals(250.0, number(load, "intervalMs"));
        assertTrue(requested.stream().anyMatch(u -> u.contains("/load/self?run=")), "the self probes were fetched");
        // WebKit gives an aborted fetch no Resource Timing entry, and the run ends its download streams by aborting
        // them: there the streams show in goodput and streams above and in the server's download series below.
        // An aborted stream's entry reaches the observer in a later task than the result: wait for it.
        if (browser.kind() != BrowserKind.WEBKIT) {
            page.waitForFunction("() => requested.some((u) => u.includes('/load/download?run='))", null, Duration.ofSeconds(10));
        }

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
            assertEquals(loadedCount, downloadCount(stats, kind, "browser") - downloadCount(before, kind, "browser"),
                    kind + ": every kept loaded sample arrived as browser/download");
        }
        assertTrue(downloadCount(stats, "ws_ping", "server") - downloadCount(before, "ws_ping", "server") >= 1,
                "the server timed PINGs on the /ws?load=download connection");
        assertTrue(requested.stream().anyMatch(u -> u.endsWith("/pingscope-load.js")), "the load code was fetched");
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void without_load_there_is_no_loaded_figure_no_load_request_and_the_load_code_is_not_fetched(TestBrowser browser) {
        TestPage page = open(browser);
        Map<String, Object> result = (Map<String, Object>) page.evaluate("() => pingscope.measure({ duration: 600, interval: 50 })"
                + ".then((r) => ({ hasLoad: 'load' in r, loaded: Object.values(r.probes).filter((p) => 'loaded' in p || 'increase' in p).length,"
                + " counts: Object.values(r.probes).map((p) => p.count) }))");
        assertEquals(false, result.get("hasLoad"), "no result.load without a load");
        assertEquals(0, ((Number) result.get("loaded")).intValue(), "no loaded figures without a load");
        assertTrue(((List<Number>) result.get("counts")).stream().allMatch(c -> c.intValue() >= 1), "the idle run measured");
        List<String> requested = requested(page);
        assertFalse(requested.stream().anyMatch(u -> u.contains("pingscope-load") || u.contains("/load/")),
                "nothing of the load was requested: " + requested);
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @InEveryBrowser
    void an_unknown_load_is_refused_before_anything_is_measured(TestBrowser browser) {
        TestPage page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        String message = (String) page.evaluate("() => pingscope.measure({ load: 'sideways' }).then(() => 'resolved', (e) => e.message)");
        assertTrue(message.contains("options.load must be"), message);
        page.close();
    }

    /** Runs the page through its form with the given load; the ramp made short as in {@link #LOADED_RUN}. */
    static TestPage runPage(TestBrowser browser, String load, List<String> statuses) {
        TestPage page = open(browser);
        page.evaluate("() => { const measure = pingscope.measure; pingscope.measure = (o) => measure.call(pingscope,"
                + " { ...o, loadInterval: 250, loadDuration: 6000 }).then((r) => (window.pageResult = r)); }");
        page.fill("#duration", "2");
        page.fill("#interval", "50");
        page.selectOption("#load", load);
        // Progress while it runs: every text of the status line, recorded in the page (polling from here would
        // be starved by the load on a small machine).
        page.evaluate("() => { window.statuses = []; const status = document.getElementById('status');"
                + " new MutationObserver(() => statuses.push(status.textContent + ' @' + document.getElementById('progress').value))"
                + ".observe(status, { childList: true, characterData: true, subtree: true }); }");
        page.click("#start");
        page.waitForSelector("body[data-state=done]", Duration.ofSeconds(30));
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) page.evaluate("() => statuses");
        statuses.addAll(seen);
        return page;
    }

    @InEveryBrowser
    void the_page_with_a_download_load_leads_with_idle_and_loaded_figures_and_says_it_in_plain_words(TestBrowser browser) {
        List<String> statuses = new ArrayList<>();
        TestPage page = runPage(browser, "download", statuses);
        assertTrue(statuses.stream().anyMatch(s -> s.startsWith("Loading the line (download):")), "ramp progress: " + statuses);
        assertTrue(statuses.stream().anyMatch(s -> s.startsWith("Under load (download): round")), "loaded progress: " + statuses);

        assertTrue(page.isVisible("#ping-figure") && page.isVisible("#ping-loaded-figure"), "both large figures");
        // To one decimal as the page rounds it (toFixed: 0.95 may read 0.9, where Java's format gives 1.0).
        assertEquals(page.evaluate("() => pageResult.probes.ws_ping.p50.toFixed(1)"), page.textContent("#ping"),
                "the large idle figure: WS PING median");
        assertEquals(page.evaluate("() => pageResult.probes.ws_ping.loaded.p50.toFixed(1)"), page.textContent("#ping-loaded"),
                "the large loaded figure");
        assertTrue(page.textContent("#ping-loaded-caption").matches("while downloading: \\d+ RPM"), page.textContent("#ping-loaded-caption"));

        assertTrue(page.isVisible("#loaded"), "the idle against loaded section");
        String words = page.textContent("#load-words");
        assertTrue(words.matches("Your round-trip time (rises by [\\d.]+ ms|does not rise \\(it falls by [\\d.]+ ms\\)|does not change) while downloading"
                + " \\(median [\\d.]+ → [\\d.]+ ms\\); WebSocket PING shows it, HTTP HEAD shows [+−][\\d.]+ ms,"
                + " WebSocket echo shows [+−][\\d.]+ ms\\."), words);
        assertEquals(6L, ((Number) page.evaluate("() => document.querySelectorAll('#comparison rect.bar').length")).longValue(),
                "an idle and a loaded bar per kind");
        assertTrue(page.textContent("#load-facts").matches(".*download: [\\d.]+ Mbit/s over \\d+ stream\\(s\\).*\\d+ RPM.*"),
                page.textContent("#load-facts"));
        // Under the large figures, one line per use in plain words, as result.outcomes has them.
        assertTrue(page.isVisible("#outcomes"), "the outcome lines");
        assertEquals(page.evaluate("() => pageResult.outcomes.map((o) => `${o.rating[0].toUpperCase()}${o.sentence.slice(1)}.`)"),
                page.evaluate("() => [...document.querySelectorAll('#outcomes li')].map((li) => li.textContent)"));
        assertEquals(4, page.count("#outcomes li"));
        assertTrue(page.textContent("#load-facts").matches(".*\\d+ RPM, (poor|fair|good|excellent) .*"), page.textContent("#load-facts"));
        assertTrue(page.isVisible("#summary-loaded"), "the loaded table");
        assertEquals(page.evaluate("() => String(pageResult.probes.http_head.loaded.count)"),
                page.textContent("#summary-loaded td[data-kind=http_head][data-stat=count]"));
        assertTrue(requested(page).stream().anyMatch(u -> u.endsWith("/pingscope-load.js")));
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @InEveryBrowser
    void the_page_without_load_shows_only_the_idle_figure_and_never_fetches_the_load_code(TestBrowser browser) {
        List<String> statuses = new ArrayList<>();
        TestPage page = runPage(browser, "none", statuses);
        List<String> requested = requested(page);
        assertEquals(page.evaluate("() => pageResult.probes.ws_ping.p50.toFixed(1)"), page.textContent("#ping"));
        assertFalse(page.isVisible("#ping-loaded-figure"), "no loaded figure");
        assertFalse(page.isVisible("#loaded"), "no idle against loaded section");
        assertFalse(page.isVisible("#summary-loaded"), "no loaded table");
        assertTrue(statuses.stream().noneMatch(s -> s.contains("load")), "no load progress: " + statuses);
        assertFalse(requested.stream().anyMatch(u -> u.contains("pingscope-load") || u.contains("/load/")), requested.toString());
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    /** The samples of kind and source recorded under the download condition so far; 0 before the first. */
    private static long downloadCount(JsonNode stats, String kind, String source) {
        for (JsonNode series : stats.get("series")) {
            if (series.get("kind").asText().equals(kind) && series.get("source").asText().equals(source)
                    && series.get("load").asText().equals("download")) {
                return series.get("total").get("count").asLong();
            }
        }
        return 0;
    }

    private static double number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        assertNotNull(v, key + " in " + map);
        return ((Number) v).doubleValue();
    }
}
