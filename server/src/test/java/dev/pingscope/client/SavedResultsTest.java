package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.pingscope.browser.InEveryBrowser;
import dev.pingscope.browser.PlaywrightChromium;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import com.sun.net.httpserver.HttpServer;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Saved results (docs/results.md) from the clients' side, in Chromium, Firefox and WebKit against a real server: the page saves
 * each run and lists them, the share page shows what was saved, the snippet saves only when asked.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ResourceLock(TestResources.RESULT_CARDS)
@ExtendWith(SharedBrowser.class)
class SavedResultsTest {
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    static final String RESULTS_503 = "Failed to load resource: the server responded with a status of 503";

    static TestServer ts;
    static HttpServer otherSite;
    static Browser chromium;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        // Saves from 127.0.0.1 go beyond the default 10 a minute here: every test saves.
        ts = TestServer.start(TestServer.testConfig().with("--results-rate", 1000));
        otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExampleSite.serve(otherSite, "http://127.0.0.1:" + ts.server.port());
        chromium = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
        otherSite.stop(0);
    }

    /**
     * Opens the page with the run's result kept as window.pageResult (pingscope.measure wrapped, as app.js calls it),
     * and the URL of every resource it fetches from then on in window.requested (Resource Timing: every browser has
     * it, where request events are Playwright's alone).
     */
    static void openPage(TestPage page) {
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        page.evaluate("() => { const measure = pingscope.measure;"
                + " pingscope.measure = (o) => measure.call(pingscope, o).then((r) => (window.pageResult = r)); }");
        recordRequests(page);
    }

    /** Keeps the URL of every resource the page fetches from now on in window.requested. */
    static void recordRequests(TestPage page) {
        page.evaluate("() => { window.requested = []; new PerformanceObserver((list) => {"
                + " for (const e of list.getEntries()) requested.push(e.name); }).observe({ type: 'resource' }); }");
    }

    @SuppressWarnings("unchecked")
    static List<String> requested(TestPage page, String part) {
        return (List<String>) page.evaluate("(part) => requested.filter((u) => u.includes(part))", part);
    }

    /** A short run through the form, started with the mouse; returns once the run is done (saving may go on). */
    static void run(TestPage page, String seconds) {
        page.fill("#duration", seconds);
        page.fill("#interval", "50");
        page.click("#start");
        page.waitForSelector("body[data-state=done]", Duration.ofSeconds(20));
    }

    /** Waits until the page says it saved the run, and returns the saved result's id from the link it shows. */
    static String awaitSaved(TestPage page) {
        page.waitForSelector("#saved[data-state=saved]", Duration.ofSeconds(10));
        String url = page.getAttribute("#saved-link", "href");
        assertTrue(url.startsWith("http://127.0.0.1:" + ts.server.port() + "/r/"), "a link to this server's share page: " + url);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** Clicks the button inside scope whose text is exactly text (CSS has no text selector). */
    static void clickButton(TestPage page, String scope, String text) {
        page.evaluate("([scope, text]) => { document.querySelectorAll('[data-test-target]').forEach((e) => e.removeAttribute('data-test-target'));"
                + " [...document.querySelectorAll(scope + ' button')].find((b) => b.textContent === text).dataset.testTarget = 'click'; }",
                List.of(scope, text));
        page.click("[data-test-target=click]");
    }

    @SuppressWarnings("unchecked")
    static List<String> historyIds(TestPage page) {
        return (List<String>) page.evaluate("() => [...document.querySelectorAll('#history li')].map((li) => li.dataset.id)");
    }

    static JsonNode stored(String id) throws Exception {
        HttpResponse<String> response = ts.get("/api/results/" + id);
        assertEquals(200, response.statusCode(), "GET /api/results/" + id + ": " + response.body());
        return TestServer.JSON.readTree(response.body());
    }

    static long number(Object value) {
        return ((Number) value).longValue();
    }

    @InEveryBrowser
    void a_run_is_saved_by_default_and_its_link_shows_the_same_medians_in_a_fresh_browser(TestBrowser browser) throws Exception {
        String id;
        JsonNode saved;
        try (TestPage page = browser.newPage()) {
            openPage(page);
            assertTrue(page.isChecked("#save-runs"), "saving is on by default");
            assertTrue(page.isVisible("#save-note") && page.textContent("#save-note").startsWith("Each run is saved on this server"),
                    page.textContent("#save-note"));
            run(page, "2");
            id = awaitSaved(page);
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), "128 random bits, base64url: " + id);
            assertEquals(id, page.evaluate("() => pageResult.saved.id"), "the page put the answer in result.saved");

            saved = stored(id);
            for (String kind : KINDS) {
                long count = number(page.evaluate("(k) => pageResult.probes[k].count", kind));
                // 2 s of rounds every 50 ms minus the warm-up; the server PINGs every 200 ms
                assertTrue(count >= (kind.equals("ws_ping") ? 5 : 20), kind + ": " + count + " samples");
                assertEquals(count, saved.at("/probes/" + kind + "/idle/count").asLong(), kind + ": every sample saved");
                assertEquals(number(page.evaluate("(k) => pageResult.probes[k].lost", kind)),
                        saved.at("/probes/" + kind + "/idle/lost").asLong(), kind + ": lost count saved");
                assertEquals(page.evaluate("(k) => pageResult.probes[k].protocols[0]", kind),
                        saved.at("/probes/" + kind + "/protocol").asText(), kind + ": protocol saved");
            }
            assertEquals("browser", saved.get("source").asText());
            assertEquals(number(page.evaluate("() => pageResult.settings.rounds")), saved.at("/settings/rounds").asLong());

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> history = (List<Map<String, Object>>) page.evaluate(
                    "() => JSON.parse(localStorage.getItem('pingscope.history'))");
            assertEquals(1, history.size(), "one saved run in the history: " + history);
            assertEquals(id, history.get(0).get("id"));
            assertEquals(page.evaluate("() => pageResult.saved.deleteToken"), history.get(0).get("deleteToken"));
            assertEquals(List.of(), page.consoleErrors(), "no console errors on the page");
        }

        try (TestPage share = browser.newPage()) {
            share.navigate(ts.uri("/r/" + id).toString());
            share.waitForSelector("#result[data-state=loaded]", Duration.ofSeconds(10));
            for (String kind : KINDS) {
                JsonNode idle = saved.at("/probes/" + kind + "/idle");
                String cell = "#summary-idle td[data-kind=" + kind + "]";
                double shown = Double.parseDouble(share.textContent(cell + "[data-stat=p50]"));
                assertEquals(idle.get("p50").asDouble(), shown, 0.005 + 1e-9, kind + ": the share page's median is the saved one");
                assertEquals(idle.get("count").asLong(), Long.parseLong(share.textContent(cell + "[data-stat=count]")), kind);
                String path = share.getAttribute("#cdf path.series." + kind + ".idle", "d");
                assertEquals(idle.get("cdf").size(), path.chars().filter(c -> c == 'H').count(),
                        kind + ": one step per stored CDF point");
            }
            assertEquals(0, share.count("#summary-loaded"), "no loaded table: nothing was measured under load");
            assertTrue(share.textContent(".medians-line").contains("WS PING"), share.textContent(".medians-line"));
            assertEquals(List.of(), share.consoleErrors(), "no console errors on the share page");
        }
    }

    @Test
    void the_card_of_a_saved_result_is_a_1200_by_630_png() throws Exception {
        String id = TestServer.JSON.readTree(saveDirectly().body()).get("id").asText();
        HttpResponse<byte[]> card = ts.http.send(HttpRequest.newBuilder(ts.uri("/r/" + id + ".png")).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, card.statusCode());
        String type = card.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("image/png"), "Content-Type: " + type);
        byte[] png = card.body();
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(png, 8), "PNG signature");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "ImageIO decodes the card");
        assertEquals(1200, image.getWidth());
        assertEquals(630, image.getHeight());
    }

    @InEveryBrowser
    void the_share_page_shows_samples_measured_under_load_dashed_and_in_a_table_of_their_own(TestBrowser browser) throws Exception {
        HttpResponse<String> response = ts.send(HttpRequest.newBuilder(ts.uri("/api/results"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"source": "browser",
                         "settings": {"probes": ["http_head", "ws_echo"], "rounds": 50, "interval": 200,
                                      "timeout": 2000, "warmup": 3, "load": "download"},
                         "probes": {
                           "http_head": {"protocol": "h2", "idle": {"samples": [12.4, 11.9, 13.2], "lost": 0},
                                         "loaded": {"samples": [80.2, 95.5, 120.75], "lost": 2}},
                           "ws_echo": {"protocol": "wss", "idle": {"samples": [11.2, 10.8], "lost": 1}}}}
                        """)));
        assertEquals(201, response.statusCode(), response.body());
        String id = TestServer.JSON.readTree(response.body()).get("id").asText();
        JsonNode saved = stored(id);
        TestPage share = browser.newPage();
        share.navigate(ts.uri("/r/" + id).toString());
        share.waitForSelector("#result[data-state=loaded]", Duration.ofSeconds(10));
        assertEquals(saved.at("/probes/http_head/loaded/p50").asDouble(),
                Double.parseDouble(share.textContent("#summary-loaded td[data-kind=http_head][data-stat=p50]")), 0.005 + 1e-9);
        assertEquals("2", share.textContent("#summary-loaded td[data-kind=http_head][data-stat=lost]"));
        assertEquals(0, share.count("#summary-loaded td[data-kind=ws_echo]"), "ws_echo has no loaded samples");
        assertEquals("h2", share.textContent("#summary-idle td[data-kind=http_head][data-stat=protocol]"));
        assertEquals(1, share.count("#cdf path.series.http_head.loaded"));
        String dashes = "(s) => getComputedStyle(document.querySelector(s)).strokeDasharray";
        assertEquals("6px, 4px", share.evaluate(dashes, "#cdf path.series.http_head.loaded"), "the loaded line is dashed");
        assertEquals("none", share.evaluate(dashes, "#cdf path.series.http_head.idle"));
        assertEquals(0, share.count("#cdf path.series.ws_echo.loaded"));
        assertEquals(List.of(), share.consoleErrors(), "no console errors");
        share.close();
    }

    @InEveryBrowser
    void the_share_page_its_fallback_and_its_card_give_the_verdicts_per_use_computed_from_the_stored_figures(TestBrowser browser)
            throws Exception {
        // A deep buffer's run (docs/load.md): ws_echo about 12 ms idle, about 350 ms while downloading.
        StringBuilder idle = new StringBuilder(), loaded = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            idle.append(i == 0 ? "" : ", ").append(11 + (i % 5) * 0.5);
            loaded.append(i == 0 ? "" : ", ").append(340 + i);
        }
        HttpResponse<String> response = ts.send(HttpRequest.newBuilder(ts.uri("/api/results"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"source": "browser",
                         "settings": {"probes": ["ws_echo"], "rounds": 43, "interval": 200, "timeout": 2000, "warmup": 3,
                                      "load": "download"},
                         "probes": {"ws_echo": {"protocol": "ws", "idle": {"samples": [%s], "lost": 0},
                                                "loaded": {"samples": [%s], "lost": 0}}}}
                        """.formatted(idle, loaded))));
        assertEquals(201, response.statusCode(), response.body());
        String id = TestServer.JSON.readTree(response.body()).get("id").asText();
        String poor = "poor for video calls: 1 in 10 round trips took over 300 ms while downloading";

        JsonNode outcomes = stored(id).get("outcomes");
        assertEquals(4, outcomes.size(), outcomes.toString());
        assertEquals(poor, outcomes.get(0).get("sentence").asText());
        assertEquals("download", outcomes.get(0).get("condition").asText());
        assertEquals("good", outcomes.get(0).at("/conditions/idle/rating").asText(), "the idle line was fine for calls");
        assertEquals("p90", outcomes.get(0).at("/figure/stat").asText());

        String html = ts.get("/r/" + id).body();
        assertTrue(html.contains("<li data-use=\"video_calls\" data-rating=\"poor\">" + poor + "</li>"), "the page without JavaScript: " + html);

        TestPage share = browser.newPage();
        share.navigate(ts.uri("/r/" + id).toString());
        share.waitForSelector("#result[data-state=loaded]");
        assertEquals("Poor for video calls: 1 in 10 round trips took over 300 ms while downloading.",
                share.textContent("#outcomes li[data-use=video_calls]"));
        assertEquals(4, share.count("#outcomes li"));
        assertEquals(List.of(), share.consoleErrors(), "no console errors");
        share.close();

        // The card: the line of verdicts under the title, "poor" in red.
        BufferedImage card = ImageIO.read(new ByteArrayInputStream(ts.http.send(HttpRequest.newBuilder(ts.uri("/r/" + id + ".png")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body()));
        int red = 0;
        for (int y = 170; y < 205; y++) {
            for (int x = 64; x < 1136; x++) {
                int rgb = card.getRGB(x, y);
                if (((rgb >> 16) & 0xff) > 0xe0 && ((rgb >> 8) & 0xff) < 0x90 && (rgb & 0xff) < 0x90) {
                    red++;
                }
            }
        }
        assertTrue(red > 20, "red pixels of the poor verdicts on the card: " + red);
    }

    @InEveryBrowser
    void a_run_whose_websocket_never_opened_saves_everything_lost_and_the_share_page_says_so(TestBrowser browser) throws Exception {
        TestPage page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> saved = (Map<String, Object>) page.evaluate("""
                async () => {
                  const { save } = await import('/pingscope-save.js');
                  return save({ server: location.origin + '/',
                                settings: { probes: ['ws_echo'], rounds: 5, interval: 200, timeout: 2000, warmup: 0 },
                                probes: { ws_echo: { count: 0, lost: 5, protocols: [], samples: [] } } });
                }
                """);
        String id = (String) saved.get("id");
        assertNotNull(id, "saved: " + saved);
        JsonNode stored = stored(id);
        assertEquals("ws", stored.at("/probes/ws_echo/protocol").asText(), "the scheme it tried");
        assertEquals(5, stored.at("/probes/ws_echo/idle/lost").asInt());
        assertTrue(stored.at("/probes/ws_echo/idle/p50").isNull(), stored.toString());

        page.navigate(ts.uri("/r/" + id).toString());
        page.waitForSelector("#result[data-state=loaded]");
        assertEquals("No probe got an answer.", page.textContent(".medians-line"));
        assertEquals("–", page.textContent("#summary-idle td[data-kind=ws_echo][data-stat=p50]"));
        assertEquals("5", page.textContent("#summary-idle td[data-kind=ws_echo][data-stat=lost]"));
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    /** POST /api/results as the contract's example, from the server's own origin. */
    static HttpResponse<String> saveDirectly() throws Exception {
        HttpResponse<String> response = ts.send(HttpRequest.newBuilder(ts.uri("/api/results"))
                .header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + ts.server.port())
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"source": "browser",
                         "settings": {"probes": ["http_head", "ws_echo", "ws_ping"], "rounds": 50, "interval": 200,
                                      "timeout": 2000, "warmup": 3, "load": "none"},
                         "probes": {
                           "http_head": {"protocol": "http/1.1", "idle": {"samples": [12.41, 11.9, 13.2], "lost": 0}},
                           "ws_echo": {"protocol": "ws", "idle": {"samples": [11.2, 10.8], "lost": 1}},
                           "ws_ping": {"protocol": "ws", "idle": {"samples": [10.9], "lost": 0}}}}
                        """)));
        assertEquals(201, response.statusCode(), response.body());
        return response;
    }

    @InEveryBrowser
    void the_history_lists_both_of_two_runs_with_their_trend_and_delete_removes_one(TestBrowser browser) throws Exception {
        try (TestPage page = browser.newPage()) {
            openPage(page);
            assertTrue(page.isVisible("#history-empty"), "no saved runs yet");
            run(page, "1");
            String first = awaitSaved(page);
            run(page, "1");
            page.waitForSelector("#saved-link:not([href$='" + first + "'])");
            String second = awaitSaved(page);

            page.reload();
            page.waitForSelector("#history li");
            assertEquals(List.of(second, first), historyIds(page), "both runs, newest first, still there after a reload");
            assertFalse(page.isVisible("#history-empty"));
            // The trend is drawn in the next animation frame after the list.
            page.waitForFunction("() => document.querySelectorAll('#trend circle.dot').length > 0");
            for (String kind : KINDS) {
                assertEquals(2, page.count("#trend circle.dot." + kind), kind + ": a dot per saved run");
                assertEquals(1, page.count("#trend path.series." + kind), kind + ": one trend line");
            }
            String medians = page.textContent("#history li[data-id='" + first + "'] .medians");
            assertTrue(medians.matches("medians: HTTP HEAD \\d+\\.\\d\\d ms · WS echo \\d+\\.\\d\\d ms · WS PING \\d+\\.\\d\\d ms"), medians);

            clickButton(page, "#history li[data-id='" + first + "']", "Delete");
            page.waitForSelector("#saved[data-state=deleted]");
            assertEquals(List.of(second), historyIds(page));
            assertEquals(404, ts.get("/api/results/" + first).statusCode(), "deleted on the server");
            assertEquals(200, ts.get("/api/results/" + second).statusCode(), "the other one stays");
            page.waitForFunction("() => document.querySelectorAll('#trend circle.dot.ws_echo').length < 2");
            assertEquals(1, page.count("#trend circle.dot.ws_echo"), "the trend follows");
            assertEquals(List.of(), page.consoleErrors(), "no console errors");
        }
    }

    @InEveryBrowser
    void with_saving_turned_off_a_run_posts_nothing_and_the_switch_is_remembered(TestBrowser browser) {
        try (TestPage page = browser.newPage()) {
            openPage(page);
            page.click("#save-runs");
            assertFalse(page.isChecked("#save-runs"));
            assertTrue(page.textContent("#save-note").startsWith("Saving is off"), page.textContent("#save-note"));
            run(page, "1");
            page.waitForSelector("#saved[data-state=off]");
            assertEquals("Not saved: saving is off.", page.textContent("#saved"));
            assertEquals(List.of(), requested(page, "/api/results"), "no request to /api/results");
            assertEquals(false, page.evaluate("() => 'saved' in pageResult"));
            assertEquals(0, page.count("#history li"));

            page.reload();
            page.waitForFunction("() => window.pingscope");
            assertFalse(page.isChecked("#save-runs"), "still off after a reload");
            assertEquals(List.of(), page.consoleErrors(), "no console errors");
        }
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void the_snippet_on_another_site_saves_only_with_save_true(TestBrowser browser) throws Exception {
        TestPage page = browser.newPage();
        page.navigate("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/");
        recordRequests(page);
        String measure = """
                async ([server, save]) => {
                  const module = await import(server + '/pingscope.mjs');
                  const r = await module.measure({ rounds: 8, interval: 50, warmup: 1, save });
                  return { saved: r.saved ?? 'none', has: 'saved' in r,
                           counts: Object.fromEntries(Object.entries(r.probes).map(([k, p]) => [k, p.count])) };
                }
                """;
        String server = "http://127.0.0.1:" + ts.server.port();

        Map<String, Object> without = (Map<String, Object>) page.evaluate(measure, List.of(server, false));
        assertEquals(false, without.get("has"), "no result.saved without save: true");
        assertEquals(List.of(), requested(page, "/api/results"), "nothing posted");
        assertEquals(List.of(), requested(page, "pingscope-save"), "pingscope-save.js not even loaded");

        Map<String, Object> with = (Map<String, Object>) page.evaluate(measure, List.of(server, true));
        Map<String, Object> saved = (Map<String, Object>) with.get("saved");
        String id = (String) saved.get("id");
        assertNotNull(id, "result.saved: " + saved);
        assertEquals(server + "/r/" + id, saved.get("url"));
        assertTrue(((String) saved.get("deleteToken")).length() >= 16, "a delete token: " + saved);
        JsonNode stored = stored(id);
        Map<String, Object> counts = (Map<String, Object>) with.get("counts");
        for (String kind : KINDS) {
            assertEquals(number(counts.get(kind)), stored.at("/probes/" + kind + "/idle/count").asLong(), kind);
        }
        // Resource Timing has no method: the POST is the only request to /api/results the page makes.
        assertEquals(List.of(server + "/api/results"), requested(page, "/api/results"));
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    /** Chromium only: it answers the save with a 503 through a Playwright route, which BiDi and WebDriver here lack. */
    @Test
    void when_the_server_cannot_save_the_page_says_so_and_the_result_stands() throws Exception {
        try (BrowserContext visitor = chromium.newContext()) {
            Page playwrightPage = visitor.newPage();
            TestPage page = PlaywrightChromium.wrap(playwrightPage);
            playwrightPage.route("**/api/results", route -> route.fulfill(new Route.FulfillOptions()
                    .setStatus(503).setContentType("application/json").setHeaders(Map.of("Retry-After", "30"))
                    .setBody("{\"error\": \"storage_unavailable\", \"message\": \"the database does not answer\"}")));
            openPage(page);
            run(page, "1");
            page.waitForSelector("#saved[data-state=error]");
            String line = page.textContent("#saved");
            assertTrue(line.startsWith("Could not save: server said 503 (storage_unavailable: the database does not answer), try again later."),
                    line);
            assertTrue(page.isVisible("#saved"), "the error line is visible");
            assertTrue(page.textContent("#status").startsWith("Done:"), "the run itself is done: " + page.textContent("#status"));
            for (String kind : KINDS) {
                double p50 = Double.parseDouble(page.textContent("td[data-kind=" + kind + "][data-stat=p50]"));
                assertEquals(((Number) page.evaluate("(k) => pageResult.probes[k].p50", kind)).doubleValue(), p50, 0.005 + 1e-9,
                        kind + ": the result stands");
            }
            assertEquals(503L, number(page.evaluate("() => pageResult.saved.status")));
            assertEquals(0, page.count("#history li"), "nothing in the history");

            playwrightPage.unroute("**/api/results");
            clickButton(page, "#saved", "Try again");
            String id = awaitSaved(page);
            assertEquals(200, ts.get("/api/results/" + id).statusCode(), "saved once the server answers again");
            assertEquals(1, page.count("#history li"));
            assertEquals(List.of(), page.consoleErrors().stream().filter(e -> !e.startsWith(RESULTS_503)).toList(),
                    "no console errors but the browser's own line about the 503");
        }
    }

    /**
     * Not a test: screenshots of the page with saved runs and of a share page at 1280 and 375 px, for a person to
     * look at. {@code -Dpingscope.screenshots=DIR}.
     */
    @Test
    @EnabledIfSystemProperty(named = "pingscope.screenshots", matches = ".+")
    void screenshots() throws Exception {
        Path dir = Path.of(System.getProperty("pingscope.screenshots"));
        Files.createDirectories(dir);
        String id = null;
        for (int width : new int[] {1280, 375}) {
            try (BrowserContext visitor = chromium.newContext(new Browser.NewContextOptions().setViewportSize(width, 900))) {
                Page playwrightPage = visitor.newPage();
                TestPage page = PlaywrightChromium.wrap(playwrightPage);
                openPage(page);
                run(page, "3");
                awaitSaved(page);
                run(page, "3");
                id = awaitSaved(page);
                playwrightPage.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(dir.resolve("results-page-" + width + ".png")));
                Page share = visitor.newPage();
                share.navigate(ts.uri("/r/" + id).toString());
                share.waitForSelector("#result[data-state=loaded]");
                share.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(dir.resolve("share-page-" + width + ".png")));
            }
        }
        Files.write(dir.resolve("card.png"), ts.http.send(HttpRequest.newBuilder(ts.uri("/r/" + id + ".png")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
    }
}
