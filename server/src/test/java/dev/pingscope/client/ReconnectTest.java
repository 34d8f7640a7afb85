package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.pingscope.TestConfig;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * pingscope.js reconnects its WebSocket during a run. A run outlives its server: the server shuts down
 * gracefully mid-run (WebSockets closed with 1001) and a new one starts on the same port; pingscope.js
 * reconnects, keeps probing HEAD, and the samples it could not report while the server was away reach the
 * new one. And a server that closes every connection at once is not hammered: the backoff grows.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class ReconnectTest {
    static Browser browser;

    @BeforeAll
    static void start(Browser shared) {
        browser = shared;
    }

    static int intValue(Object value) {
        return ((Number) value).intValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_run_survives_a_server_restart_on_the_same_port_and_the_new_server_gets_the_samples_measured_after_it()
            throws Exception {
        // A short grace: the old server drains for 100 ms rather than 2 s, so most of the run is after the restart.
        TestConfig config = TestServer.testConfig().with("--shutdown-grace", Duration.ofMillis(400));
        TestServer first = TestServer.start(config);
        int port = first.server.port();
        TestServer second = null;
        Page page = browser.newPage();
        ConsoleErrors console = ConsoleErrors.of(page);
        try {
            page.navigate(first.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            // The page notes when each sample arrives, and which sample reports and HEAD probes found no server (the real
            // fetch still runs: the wrapper only watches it).
            page.evaluate("""
                    () => {
                      window.arrivals = [];
                      window.failedReports = [];
                      window.failedHeads = 0;
                      const realFetch = window.fetch;
                      window.fetch = (url, init) => realFetch(url, init).catch((e) => {
                        if (String(url).endsWith('/api/samples')) window.failedReports.push(JSON.parse(init.body).samples);
                        if (String(url).includes('/ping?')) window.failedHeads++;
                        throw e;
                      });
                      window.stopRun = new AbortController();
                      pingscope.measure({ duration: 30000, interval: 50, reportInterval: 250, signal: stopRun.signal,
                          onSample: (s) => window.arrivals.push({ kind: s.kind, t: performance.now() }) })
                        .then((r) => { window.result = r; });
                    }
                    """);
            page.waitForFunction("() => new Set(arrivals.map((a) => a.kind)).size === 3");

            // A report leaves the page only when samples are waiting, so one may or may not fall in the short
            // time the server is away. To make sure one does, the next report is held in the browser until the
            // server is gone, then let go to it: it finds no server, as a report sent a moment later would.
            List<Route> heldReports = new ArrayList<>();
            AtomicBoolean holdReports = new AtomicBoolean(true);
            page.route("**/api/samples", route -> {
                if (holdReports.get()) {
                    heldReports.add(route);
                } else {
                    route.resume();
                }
            });
            page.waitForCondition(() -> !heldReports.isEmpty(), new Page.WaitForConditionOptions().setTimeout(5_000));
            first.server.shutdown();
            holdReports.set(false);
            heldReports.forEach(Route::resume);
            // The new server starts once the page has found the old one gone, for a report and for a HEAD probe.
            page.waitForFunction("() => failedReports.length > 0 && failedHeads > 0", null,
                    new Page.WaitForFunctionOptions().setTimeout(5_000));
            // Stamped, and the page set watching new connections, before the new server listens: the browser may
            // connect to it the moment it does, with a HEAD probe or with a report (which HEAD probes then reuse).
            double restartedAt = ((Number) page.evaluate("""
                    () => {
                      window.newConnections = [];
                      new PerformanceObserver((list) => {
                        for (const e of list.getEntries()) {
                          if (e.responseStart > 0 && e.connectEnd > e.connectStart) window.newConnections.push(e.name);
                        }
                      }).observe({ type: 'resource' });
                      return performance.now();
                    }
                    """)).doubleValue();
            second = TestServer.start(TestServer.testConfig().withPort(port));
            // The run goes on until every kind has arrived from the new server (the reconnect waits a random backoff).
            page.waitForFunction("(t) => new Set(arrivals.filter((a) => a.t > t).map((a) => a.kind)).size === 3",
                    restartedAt, new Page.WaitForFunctionOptions().setTimeout(20_000));
            page.evaluate("() => stopRun.abort()");

            page.waitForFunction("() => window.result", null, new Page.WaitForFunctionOptions().setTimeout(15_000));
            Map<String, Object> r = (Map<String, Object>) page.evaluate("""
                    (restartedAt) => {
                      const after = {}, counts = {}, lost = {};
                      for (const a of arrivals) if (a.t > restartedAt) after[a.kind] = (after[a.kind] || 0) + 1;
                      for (const [kind, p] of Object.entries(result.probes)) counts[kind] = p.count, lost[kind] = p.lost;
                      const firstFailed = failedReports[0];
                      return { after, counts, lost, reconnects: result.reconnects, instances: result.instances,
                               connectionsOpened: result.connection.opened, newConnections,
                               reported: result.reported, errors: result.errors, aborted: result.aborted,
                               firstFailedBatch: Object.values(firstFailed).reduce((n, list) => n + list.length, 0) };
                    }
                    """, restartedAt);
            System.out.println("restart: " + r + "; console: " + console.list().size() + " failed connections");
            Map<String, Object> after = (Map<String, Object>) r.get("after");
            Map<String, Object> counts = (Map<String, Object>) r.get("counts");
            Map<String, Object> lost = (Map<String, Object>) r.get("lost");
            Map<String, Object> reported = (Map<String, Object>) r.get("reported");

            assertEquals(true, r.get("aborted"), "the run went on until stopped");
            assertEquals(List.of(), r.get("errors"), "the first connection opened; a restart is no error");
            assertTrue(intValue(r.get("reconnects")) >= 1, "the WebSocket was opened again: " + r);
            assertEquals(List.of(first.server.config().http().instance()), ((Map<String, Object>) r.get("instances")).get("wsAll"),
                    "both servers answer by the same name");
            for (String kind : List.of("http_head", "ws_echo", "ws_ping")) {
                assertTrue(intValue(after.getOrDefault(kind, 0)) >= 1, kind + " samples after the restart: " + r);
            }
            List<String> newConnections = (List<String>) r.get("newConnections");
            assertTrue(newConnections.stream().anyMatch(url -> url.contains("/ping?") || url.endsWith("/api/samples")),
                    "a HEAD probe or a report opened a new connection to the new server: " + newConnections);
            assertTrue(intValue(r.get("connectionsOpened")) >= 1, "HEAD probes saw a connection opened: " + r);
            assertTrue(intValue(lost.get("http_head")) >= 1, "HEAD probes went on while the server was away, and were lost");
            assertTrue(intValue(lost.get("ws_echo")) >= 1, "echoes that could not be sent count as lost");

            long kept = (long) intValue(counts.get("http_head")) + intValue(counts.get("ws_echo"));
            assertEquals(0, intValue(reported.get("failed")), "no report given up: " + reported);
            assertEquals(kept, intValue(reported.get("posted")), "every kept sample was reported in the end: " + reported);

            // The new server got what was measured after the restart, and the batch that first found no server.
            JsonNode stats = second.endInterval();
            long expected = (long) intValue(after.get("http_head")) + intValue(after.get("ws_echo")) + intValue(r.get("firstFailedBatch"));
            long recorded = TestServer.totalCount(stats, "http_head", "browser") + TestServer.totalCount(stats, "ws_echo", "browser");
            assertTrue(recorded >= expected, "new server recorded " + recorded + " HEAD and echo samples, at least " + expected);
            assertTrue(TestServer.totalCount(stats, "http_head", "browser") >= intValue(after.get("http_head")), stats.toString());
            assertTrue(TestServer.totalCount(stats, "ws_echo", "browser") >= intValue(after.get("ws_echo")), stats.toString());
            assertTrue(TestServer.totalCount(stats, "ws_ping", "server") >= 1,
                    "the new server timed PINGs on the reconnected WebSocket");

            for (String error : console.list()) {
                assertTrue(error.matches("(?s)(Failed to load resource: net::ERR_(CONNECTION_[A-Z]+|EMPTY_RESPONSE)"
                                + "|WebSocket connection to .* failed).*"),
                        "only connections refused or cut by the restart are logged: " + error);
            }
        } finally {
            page.close();
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_server_that_closes_every_connection_at_once_is_retried_after_a_growing_random_backoff() throws Exception {
        // The message-rate cap closes (1008) a WebSocket that sends more than 5 messages in a second: at 50
        // echoes a second, each connection ends about 120 ms after it opened, 4 s long. With waits of
        // random(0, 250 ms x 2^n), n growing, about 5 reconnects fit in 4 s; with n reset by every hello
        // (waits of 125 ms on average) about 15 would.
        try (TestServer strict = TestServer.start(TestServer.testConfig().with("--ws-max-messages-per-second", 5))) {
            Page page = browser.newPage();
            ConsoleErrors console = ConsoleErrors.of(page);
            page.navigate(strict.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> r = (Map<String, Object>) page.evaluate("""
                    async () => {
                      const r = await pingscope.measure({ duration: 4000, interval: 20, warmup: 0, probes: ['ws_echo'], report: false });
                      return { reconnects: r.reconnects, count: r.probes.ws_echo.count, lost: r.probes.ws_echo.lost, errors: r.errors };
                    }
                    """);
            System.out.println("closed at once: " + r);
            assertEquals(List.of(), r.get("errors"));
            int reconnects = intValue(r.get("reconnects"));
            assertTrue(reconnects >= 2 && reconnects <= 10, "reconnected, but with growing waits: " + r);
            assertTrue(intValue(r.get("lost")) > intValue(r.get("count")), "most echoes fell while disconnected: " + r);
            assertEquals(List.of(), console.list(), "a close by the server is no console error");
            page.close();
        }
    }
}
