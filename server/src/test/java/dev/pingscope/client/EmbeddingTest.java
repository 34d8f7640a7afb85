package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.browser.BrowserKind;
import dev.pingscope.browser.InEveryBrowser;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import com.sun.net.httpserver.HttpServer;
import dev.pingscope.Repository;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The snippet on another origin: web/examples served by a second server on another port ({@link ExampleSite}),
 * with pingscope allowing exactly that origin; in Chromium, Firefox and WebKit.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class EmbeddingTest {
    static HttpServer embedder;
    static TestServer ts;
    static Browser chromium;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        embedder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ts = TestServer.start(TestServer.testConfig().withAllowedOrigins(List.of(embedderOrigin())));
        ExampleSite.serve(embedder, "http://127.0.0.1:" + ts.server.port());
        chromium = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
        embedder.stop(0);
    }

    static String embedderOrigin() {
        return "http://127.0.0.1:" + embedder.getAddress().getPort();
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void a_page_on_another_origin_measures_with_unzeroed_resource_timing_and_its_samples_arrive_as_browser_samples(
            TestBrowser browser) throws Exception {
        JsonNode before = ts.endInterval();
        TestPage page = browser.newPage();
        page.navigate(embedderOrigin() + "/embed-api.html");
        page.waitForFunction("() => window.pingscopeResult", null, Duration.ofSeconds(15));
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                () => {
                  const r = window.pingscopeResult;
                  const counts = {};
                  for (const [kind, p] of Object.entries(r.probes)) counts[kind] = p.count;
                  return { counts, errors: r.errors, precise: r.precise, instances: r.instances, reported: r.reported,
                           sources: [...new Set(r.probes.http_head.samples.map((s) => s.source))],
                           origin: location.origin };
                }
                """);
        assertEquals(embedderOrigin(), result.get("origin"));
        assertEquals(List.of(), result.get("errors"));
        Map<String, Object> counts = (Map<String, Object>) result.get("counts");
        Map<String, Object> precise = (Map<String, Object>) result.get("precise");
        assertEquals(true, precise.get("resourceTiming"), "Timing-Allow-Origin honoured for every HEAD probe");
        assertEquals(List.of("resource-timing"), result.get("sources"));
        assertEquals(ts.server.config().http().instance(), ((Map<String, Object>) result.get("instances")).get("ws"),
                "the WebSocket was accepted for the allowed origin");

        List<Map<String, Object>> entries = (List<Map<String, Object>>) page.evaluate("""
                () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/ping?pingscope='))
                  .map((e) => ({ requestStart: e.requestStart, responseStart: e.responseStart, name: e.name }))
                """);
        assertTrue(entries.size() >= 20, "a Resource Timing entry per HEAD probe: " + entries.size());
        for (Map<String, Object> entry : entries) {
            double requestStart = ((Number) entry.get("requestStart")).doubleValue();
            double responseStart = ((Number) entry.get("responseStart")).doubleValue();
            // The embedding page is not cross-origin isolated: Firefox's clock there has 1 ms steps (jittered) and
            // WebKit's 1 ms (floored), so a sub-millisecond wait may read 0; Chromium's 100 us steps tell it apart.
            boolean coarseClock = browser.kind() != BrowserKind.CHROMIUM;
            assertTrue(requestStart > 0 && (coarseClock ? responseStart >= requestStart : responseStart > requestStart),
                    "timing fields not zeroed" + (coarseClock ? " (1 ms clock: equal allowed)" : "") + ": " + entry);
        }
        assertTrue(page.textContent("#rtt").matches("\\d+\\.\\d ms\\. (HTTP HEAD|No clear).*"), page.textContent("#rtt"));

        long head = ((Number) counts.get("http_head")).longValue();
        long echo = ((Number) counts.get("ws_echo")).longValue();
        assertTrue(head >= 20 && echo >= 20, "3 s at 100 ms minus 3 warm-up rounds: " + counts);
        JsonNode[] stats = new JsonNode[1];
        TestServer.await("the run's samples recorded as browser samples: " + counts + ", reported " + result.get("reported"),
                Duration.ofSeconds(5), () -> {
            try {
                stats[0] = ts.endInterval();
                return TestServer.totalCount(stats[0], "http_head", "browser") - TestServer.totalCount(before, "http_head", "browser") == head
                        && TestServer.totalCount(stats[0], "ws_echo", "browser") - TestServer.totalCount(before, "ws_echo", "browser") == echo;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, TestServer.totalCount(stats[0], "ws_ping", "browser"), "ws_ping is recorded by the server, never by the browser");
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void the_snippet_runs_on_its_own_from_data_attributes_and_shows_a_badge(TestBrowser browser) {
        TestPage page = browser.newPage();
        page.navigate(embedderOrigin() + "/embed-auto.html");
        // Listening once the page has loaded (no init scripts outside Playwright): the 3 s run ends well after.
        page.evaluate("() => document.addEventListener('pingscope:result', (e) => { window.autoResult = e.detail; })");
        page.waitForFunction("() => window.autoResult", null, Duration.ofSeconds(15));
        Map<String, Object> settings = (Map<String, Object>) page.evaluate("() => window.autoResult.settings");
        assertEquals(List.of("ws_echo", "ws_ping"), settings.get("probes"), "data-probes");
        assertEquals(30, ((Number) settings.get("rounds")).intValue(), "data-duration 3000 / data-interval 100");
        String badge = page.textContent(".pingscope-badge");
        assertTrue(badge.matches("ping \\d+\\.\\d ms"), badge);
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void the_library_imports_as_an_es_module_from_another_origin_and_probes_the_server_it_came_from(TestBrowser browser) {
        TestPage page = browser.newPage();
        page.navigate(embedderOrigin() + "/");
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async (server) => {
                  const module = await import(server + '/pingscope.mjs');
                  const r = await module.measure({ rounds: 5, interval: 50, warmup: 1, probes: ['http_head', 'ws_echo'] });
                  return { server: r.server, head: r.probes.http_head.count, echo: r.probes.ws_echo.count,
                           sameLibrary: module.default.stats === globalThis.pingscope.stats && module.stats === module.default.stats };
                }
                """, "http://127.0.0.1:" + ts.server.port());
        assertEquals("http://127.0.0.1:" + ts.server.port() + "/", result.get("server"), "the module's own server, not the page's");
        assertEquals(4, ((Number) result.get("head")).intValue(), "5 rounds minus 1 warm-up");
        assertEquals(4, ((Number) result.get("echo")).intValue());
        assertEquals(true, result.get("sameLibrary"), "pingscope.js ran as a module and set the one global");
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_embedding_guide_shows_the_tested_example_in_a_dozen_lines_and_every_option_and_attribute() {
        String guide = Repository.read("docs/embedding.md");
        Matcher block = Pattern.compile("```html\n(.*?)```", Pattern.DOTALL).matcher(guide);
        assertTrue(block.find(), "an html block in docs/embedding.md");
        String example = Repository.read("web/examples/embed-api.html");
        assertEquals(example, block.group(1), "the guide's embed is web/examples/embed-api.html, which the test above runs");
        assertTrue(example.lines().count() <= 12, "a dozen lines: " + example.lines().count());

        // In Chromium only: it reads the library's own list of defaults, the same in every browser.
        Page page = chromium.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        List<String> options = (List<String>) page.evaluate("() => Object.keys(pingscope.defaults)");
        page.close();
        assertTrue(options.size() >= 14, "every option has a default: " + options);
        for (String option : options) {
            assertTrue(guide.contains("| `" + option + "` |"), "the options table documents " + option);
        }
        Set<String> documented = attributes(guide);
        Set<String> inScript = attributes(Repository.read("web/src/main/resources/public/pingscope.js"));
        assertEquals(inScript, documented, "data-* attributes of the guide and of pingscope.js's own comment");
        assertTrue(documented.containsAll(List.of("data-auto", "data-badge", "data-probes", "data-server")), documented.toString());
    }

    private static Set<String> attributes(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("data-[a-z]+").matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @InEveryBrowser
    void the_servers_own_page_still_measures_when_allowed_origins_are_listed(TestBrowser browser) {
        TestPage page = browser.newPage();
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
        Object echoes = page.evaluate("() => pingscope.measure({ rounds: 8, interval: 50, warmup: 1 })"
                + ".then((r) => r.errors.length ? r.errors : r.probes.ws_echo.count + r.reported.posted)");
        assertEquals(7 + 14, ((Number) echoes).intValue(), "7 echoes, and 7 HEAD + 7 echo samples accepted by the intake");
        assertEquals(List.of(), page.consoleErrors(), "no console errors");
        page.close();
    }
}
