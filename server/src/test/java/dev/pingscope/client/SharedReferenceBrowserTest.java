package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A result saved from a browser run keeps the verdict against the kernel and each kind's clock: its share page
 * shows the same sentence and the same "clock step, p50 ±" cells as the measurement page drew for that run; a
 * result saved without them still loads and shows neither; and a run with a load carries its idle phase's
 * reference, which is saved with it, the loaded phase's clock beside its figures. Chromium, the real server on loopback (which reads TCP_INFO: the test JVM exports sun.nio.ch).
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class SharedReferenceBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    /** 40 rounds at 100 ms: four HEADs ask for the kernel's RTT, the WebSocket's PINGs bring it about 40 times. */
    static final String SAVED_RUN = """
            async () => {
              const r = await pingscope.measure({ rounds: 40, interval: 100, warmup: 2, report: false, save: true });
              const summary = await import('/summary.js');
              const table = document.createElement('table');
              summary.renderSummary(table, Object.fromEntries(Object.entries(r.probes).map(([k, p]) => [k, p])), ['clock']);
              const clock = Object.fromEntries([...table.querySelectorAll('td')].map((td) => [td.dataset.kind, td.textContent]));
              return { verdict: r.reference?.verdict ?? null, reference: JSON.stringify(r.reference), saved: r.saved,
                       clock, errors: r.errors };
            }
            """;

    static TestServer ts;
    static Browser browser;

    @BeforeAll
    static void start(Browser shared) {
        ts = TestServer.start(TestServer.testConfig().with("--results-rate", 1000));
        browser = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    static Page sharePage(String url) {
        Page page = browser.newPage();
        page.setViewportSize(900, 1400);
        page.navigate(url);
        page.waitForSelector("#result[data-state=loaded]");
        return page;
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_share_page_shows_the_runs_verdict_against_the_kernel_and_each_kinds_clock() throws Exception {
        Page page = browser.newPage();
        try {
            ConsoleErrors errors = ConsoleErrors.of(page);
            page.navigate(ts.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = (Map<String, Object>) page.evaluate(SAVED_RUN);
            System.out.println("run: " + run);
            assertEquals(List.of(), run.get("errors"));
            String verdict = (String) run.get("verdict");
            assertNotNull(verdict, "loopback to a Linux server gives the kernel's RTT: " + run.get("reference"));
            Map<String, Object> saved = (Map<String, Object>) run.get("saved");
            assertNotNull(saved.get("url"), "saved: " + saved);

            JsonNode api = JSON.readTree(ts.get("/api/results/" + saved.get("id")).body());
            assertEquals(verdict, api.at("/reference/verdict").asText(), "the server words the stored biases as the page did");
            JsonNode sent = JSON.readTree((String) run.get("reference"));
            assertEquals(sent.at("/ws/rttMs").asDouble(), api.at("/reference/ws/rttMs").asDouble());
            assertEquals(sent.at("/http_head/bias/http_head").asDouble(), api.at("/reference/http_head/bias/http_head").asDouble());

            Page share = sharePage((String) saved.get("url"));
            try {
                String shown = share.textContent("#reference");
                System.out.println("share page: " + shown);
                assertEquals("Against the kernel: " + verdict, shown);
                Map<String, String> clock = (Map<String, String>) run.get("clock");
                for (String kind : KINDS) {
                    String cell = share.textContent("#summary-idle td[data-kind=" + kind + "][data-stat=clock]");
                    System.out.printf("%s clock: page %s, share %s%n", kind, clock.get(kind), cell);
                    assertEquals(clock.get(kind), cell, kind + ": the share page's clock row is the measurement page's");
                }
                assertTrue(share.textContent("#summary-idle td[data-kind=http_head][data-stat=clock]").contains("µs"),
                        "the isolated page's HEAD clock steps in µs");
                Path shot = Path.of(System.getProperty("pingscope.screenshots", "target/screenshots"));
                Files.createDirectories(shot);
                share.screenshot(new Page.ScreenshotOptions().setPath(shot.resolve("share-reference.png")).setFullPage(true));
                assertEquals(List.of(), errors.list());
            } finally {
                share.close();
            }
        } finally {
            page.close();
        }
    }

    @Test
    void a_result_saved_without_reference_or_clock_still_shows() throws Exception {
        String body = """
                {"source": "browser", "settings": {"probes": ["http_head"], "rounds": 3, "interval": 100, "timeout": 2000, "warmup": 0},
                 "probes": {"http_head": {"protocol": "http/1.1", "idle": {"samples": [1.5, 1.75, 2.0], "lost": 0}}}}
                """;
        HttpResponse<String> r = ts.send(HttpRequest.newBuilder(ts.uri("/api/results")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(201, r.statusCode(), r.body());
        Page share = sharePage(JSON.readTree(r.body()).get("url").asText());
        try {
            assertEquals(0, share.locator("#reference").count(), "no verdict against the kernel was saved");
            assertEquals(0, share.locator("td[data-stat=clock]").count(), "no clock row without a clock");
            assertEquals("1.75", share.textContent("#summary-idle td[data-kind=http_head][data-stat=p50]"));
        } finally {
            share.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_run_with_a_load_carries_its_idle_phases_reference_and_saves_it_with_the_loaded_clock() throws Exception {
        Page page = browser.newPage();
        try {
            page.navigate(ts.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = (Map<String, Object>) page.evaluate("""
                    async () => {
                      const r = await pingscope.measure({ load: 'download', duration: 2000, interval: 100, loadInterval: 250,
                                                          loadDuration: 4000, report: false, save: true });
                      return { reference: r.reference, idleP50: r.probes.ws_ping.p50, loadedP50: r.probes.ws_ping.loaded?.p50,
                               loadedClock: r.probes.http_head.loaded?.clock, saved: r.saved };
                    }
                    """);
            System.out.println("load run: " + run);
            Map<String, Object> ref = (Map<String, Object>) run.get("reference");
            assertNotNull(ref, "a load run has result.reference");
            assertNotNull(ref.get("verdict"), "with figures: " + ref);
            Map<String, Object> bias = (Map<String, Object>) ((Map<String, Object>) ref.get("ws")).get("bias");
            double rtt = ((Number) ((Map<String, Object>) ref.get("ws")).get("rttMs")).doubleValue();
            assertEquals(((Number) run.get("idleP50")).doubleValue() - rtt, ((Number) bias.get("ws_ping")).doubleValue(), 1e-9,
                    "the bias is of the idle phase's p50");
            assertFalse(run.get("loadedP50") == null, "the loaded phase was measured");
            JsonNode api = JSON.readTree(ts.get("/api/results/" + ((Map<String, Object>) run.get("saved")).get("id")).body());
            assertEquals(ref.get("verdict"), api.at("/reference/verdict").asText(), api.toString());
            Map<String, Object> loadedClock = (Map<String, Object>) run.get("loadedClock");
            assertEquals(((Number) loadedClock.get("step")).doubleValue(), api.at("/probes/http_head/loaded/clock/step").asDouble(),
                    "the loaded phase's own clock is saved with its condition");
            assertEquals("download", api.at("/settings/load").asText());
        } finally {
            page.close();
        }
    }
}
