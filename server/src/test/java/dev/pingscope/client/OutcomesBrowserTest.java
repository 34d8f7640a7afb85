package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.outcome.Figures;
import dev.pingscope.outcome.OutcomeJson;
import dev.pingscope.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * pingscope-outcomes.js in a real Chromium (docs/outcomes.md): it gives the same verdicts as the Java rules for the
 * same figures, and a run through a deep buffer reads "poor for video calls while downloading" where one through a
 * shallow buffer does not. The deep and shallow runs are the distributions docs/load.md's bottleneck table gives
 * (Chromium ws_echo: idle p50 1.9 ms; loaded p50 358.7 ms deep, 12.5 ms shallow), with the p90 and p99 of such a
 * FIFO queue, which stays full: a few ms above the median.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class OutcomesBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer ts;
    static Page page;
    static ConsoleErrors errors;
    static Browser shared;

    @BeforeAll
    static void start(Browser browser) {
        shared = browser;
        ts = TestServer.start(TestServer.testConfig().unlimited());
        page = browser.newPage();
        errors = ConsoleErrors.of(page);
        page.navigate(ts.uri("/").toString());
        page.waitForFunction("() => window.pingscope");
    }

    @AfterAll
    static void stop() {
        page.close();
        ts.close();
    }

    /** Sets of figures per condition: every threshold's edges, and many at random around them. */
    static List<List<Figures>> cases() {
        List<List<Figures>> cases = new ArrayList<>();
        double[] limits = {30, 40, 100, 150, 250, 300, 1000};
        String[] stats = {"p50", "p90", "p99", "jitter"};
        for (String stat : stats) {
            for (double limit : limits) {
                for (double v : new double[] {limit - 0.001, limit, limit + 0.001}) {
                    cases.add(List.of(new Figures("download", "ws_echo", 200, 0, stat.equals("p50") ? v : 1,
                            stat.equals("p90") ? v : 1, stat.equals("p99") ? v : 1, stat.equals("jitter") ? v : 0.5)));
                }
            }
        }
        Random random = new Random(18);
        String[] loads = {"download", "upload", "both"};
        String[] kinds = {"ws_echo", "http_head", "ws_ping"};
        for (int i = 0; i < 300; i++) {
            List<Figures> run = new ArrayList<>();
            for (String condition : new String[] {"idle", loads[random.nextInt(3)]}) {
                if (random.nextInt(5) == 0) {
                    continue; // a condition not measured
                }
                double p50 = near(random, limits);
                double p90 = p50 + random.nextDouble() * 150;
                double p99 = p90 + random.nextDouble() * 200;
                double jitter = random.nextInt(4) == 0 ? Double.NaN : near(random, limits) / 4;
                run.add(new Figures(condition, kinds[random.nextInt(3)], 5 + random.nextInt(200), random.nextInt(6),
                        p50, p90, p99, jitter));
            }
            cases.add(run);
        }
        return cases;
    }

    private static double near(Random random, double[] limits) {
        return random.nextBoolean() ? limits[random.nextInt(limits.length)] : random.nextDouble() * 1200;
    }

    private static ObjectNode figuresJson(Figures f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("condition", f.condition());
        n.put("kind", f.kind());
        n.put("count", f.count());
        n.put("lost", f.lost());
        for (String stat : List.of("p50", "p90", "p99", "jitter")) {
            double v = switch (stat) {
                case "p50" -> f.p50();
                case "p90" -> f.p90();
                case "p99" -> f.p99();
                default -> f.jitter();
            };
            if (Double.isNaN(v)) {
                n.putNull(stat);
            } else {
                n.put(stat, v);
            }
        }
        return n;
    }

    /** Numbers equal by value (JavaScript writes 100, Java 100.0), everything else exactly. */
    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    @Test
    void the_browser_module_gives_the_java_verdicts_for_the_same_figures() throws Exception {
        List<List<Figures>> cases = cases();
        ArrayNode input = JSON.createArrayNode();
        ArrayNode expected = JSON.createArrayNode();
        for (List<Figures> run : cases) {
            ArrayNode figures = input.addArray();
            run.forEach(f -> figures.add(figuresJson(f)));
            expected.add(OutcomeJson.of(JSON, Outcomes.standard().evaluate(run)));
        }
        String out = (String) page.evaluate("async (input) => { const m = await import('/pingscope-outcomes.js');"
                + " const t = await m.rules(); return JSON.stringify(JSON.parse(input).map((f) => m.evaluate(t, f))); }",
                input.toString());
        JsonNode actual = JSON.readTree(out);
        assertEquals(cases.size(), actual.size());
        int judged = 0;
        for (int i = 0; i < cases.size(); i++) {
            assertTrue(expected.get(i).equals(OutcomesBrowserTest::compare, actual.get(i)),
                    "case " + i + " " + input.get(i) + "\nJava: " + expected.get(i) + "\nJS:   " + actual.get(i));
            judged += expected.get(i).size();
        }
        assertTrue(judged > cases.size() * 2, "most cases judge something: " + judged);
        for (String rating : List.of("good", "fair", "poor")) {
            assertTrue(expected.toString().contains("\"rating\":\"" + rating + "\""), "the cases reach " + rating);
        }
        assertEquals(List.of(), errors.list());
    }

    /** A result of pingscope.measure({ load: 'download' }) with these ws_echo figures, and the other kinds alike. */
    static String result(double idleP50, double loadedP50, double loadedSpread) {
        return """
                (() => {
                  const idle = { count: 47, lost: 0, p50: %1$f, p90: %1$f * 1.3, p99: %1$f * 2, jitter: { meanAbsDiff: 0.4 } };
                  const loaded = { count: 47, lost: 0, p50: %2$f, p90: %2$f + %3$f, p99: %2$f + 2 * %3$f, jitter: { meanAbsDiff: %3$f / 3 } };
                  const kind = () => ({ ...idle, loaded: { ...loaded } });
                  return { probes: { http_head: kind(), ws_echo: kind(), ws_ping: kind() }, load: { direction: 'download', rpm: 170 } };
                })()""".formatted(idleP50, loadedP50, loadedSpread);
    }

    @SuppressWarnings("unchecked")
    private static List<String> judge(String result) {
        return (List<String>) page.evaluate("async () => { const m = await import('/pingscope-outcomes.js');"
                + " const s = await import('/summary.js'); const r = " + result + ";"
                + " const list = document.createElement('ul'); s.renderOutcomes(list, await m.default(r));"
                + " return [...list.children].map((li) => li.dataset.use + ' ' + li.dataset.rating + ' ' + li.dataset.condition + ': ' + li.textContent); }");
    }

    @Test
    void a_deep_buffer_is_poor_for_video_calls_while_loaded_and_a_shallow_one_is_not() {
        List<String> deep = judge(result(1.9, 358.7, 12));
        assertEquals("video_calls poor download: Poor for video calls: 1 in 10 round trips took over 300 ms while downloading.",
                deep.get(0), deep.toString());
        assertTrue(deep.contains("online_games poor download: Poor for online games: half of round trips took over 150 ms while downloading."),
                deep.toString());
        assertTrue(deep.contains("browsing poor download: Poor for browsing: half of round trips took over 300 ms while downloading."),
                deep.toString());
        assertTrue(deep.contains("streaming good download: Good for streaming: half of round trips took at most 1000 ms while downloading."),
                deep.toString());

        List<String> shallow = judge(result(1.9, 12.5, 2.5));
        assertEquals(4, shallow.size(), shallow.toString());
        assertTrue(shallow.get(0).startsWith("video_calls good download: Good for video calls:"), shallow.toString());
        assertTrue(shallow.stream().noneMatch(s -> s.contains("poor")), shallow.toString());

        double band = ((Number) page.evaluate("async () => (await import('/pingscope-outcomes.js')).rpmBand(170)"
                + ".then((b) => ({ poor: 0, fair: 1, good: 2, excellent: 3 })[b])")).doubleValue();
        assertEquals(0, band, "170 RPM is poor");
        assertNotEquals(deep, shallow);
        assertEquals(List.of(), errors.list());
    }

    @Test
    void without_a_loaded_phase_only_the_idle_line_is_judged_and_too_few_samples_judge_nothing() {
        List<String> idle = judge("({ probes: { ws_echo: { count: 40, lost: 0, p50: 20, p90: 25, p99: 30, jitter: { meanAbsDiff: 1 } } } })");
        assertEquals(4, idle.size(), idle.toString());
        assertTrue(idle.stream().allMatch(s -> s.contains(" idle: ") && s.endsWith("on the idle line.")), idle.toString());
        assertEquals(List.of(), judge("({ probes: { ws_echo: { count: 3, lost: 0, p50: 20, p90: 25, p99: 30 } } })"));
        assertEquals(List.of(), judge("({ probes: {} })"));
        assertEquals(List.of(), judge("null"));
    }

    /**
     * Not a test: docs/screenshots/outcomes-page.png, the page after a download run on loopback. {@code -Dpingscope.screenshots=DIR}.
     */
    @Test
    @EnabledIfSystemProperty(named = "pingscope.screenshots", matches = ".+")
    void screenshot() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("pingscope.screenshots"));
        java.nio.file.Files.createDirectories(dir);
        try (BrowserContext context = shared.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900))) {
            Page p = context.newPage();
            p.navigate(ts.uri("/").toString());
            p.waitForFunction("() => window.pingscope");
            p.evaluate("() => { const measure = pingscope.measure; pingscope.measure = (o) => measure.call(pingscope,"
                    + " { ...o, loadInterval: 250, loadDuration: 6000 }); }");
            p.fill("#duration", "2");
            p.fill("#interval", "50");
            p.selectOption("#load", "download");
            p.click("#start");
            p.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(60_000));
            p.waitForTimeout(500);
            p.screenshot(new Page.ScreenshotOptions().setClip(0, 0, 1000, 900).setPath(dir.resolve("outcomes-page.png")));
        }
    }
}
