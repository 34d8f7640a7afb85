package dev.pingscope.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

@ResourceLock(TestResources.SHARED_BROWSERS)
class UdpEchoBrowserTest {
    static final String ECHO = """
            async ({ count, gapMs }) => {
              const info = await (await fetch('/api/udp')).json();
              if (!info.port) return { error: info.unavailable };
              const hashes = info.certificateHashes.map((h) => ({ algorithm: h.algorithm,
                value: Uint8Array.from(atob(h.value), (c) => c.charCodeAt(0)) }));
              const wt = new WebTransport(`https://${location.hostname}:${info.port}${info.path}`, { serverCertificateHashes: hashes });
              try { await wt.ready; } catch (e) { return { error: 'ready: ' + e }; }
              const writer = wt.datagrams.writable.getWriter(), reader = wt.datagrams.readable.getReader();
              const rtts = [], seen = new Set(); let dup = 0, lastCount = 0;
              const reading = (async () => {
                for (;;) {
                  const { value, done } = await reader.read();
                  if (done) return;
                  const now = performance.now(), v = new DataView(value.buffer, value.byteOffset, value.byteLength);
                  const seq = v.getUint32(0, true);
                  lastCount = Math.max(lastCount, v.getUint32(16, true));
                  if (seen.has(seq)) { dup++; continue; }
                  seen.add(seq); rtts.push(now - v.getFloat64(4, true));
                }
              })();
              for (let seq = 0; seq < count; seq++) {
                const b = new ArrayBuffer(20), v = new DataView(b);
                v.setUint32(0, seq, true); v.setFloat64(4, performance.now(), true); v.setUint32(12, 7, true); v.setUint32(16, 0, true);
                await writer.write(new Uint8Array(b));
                await new Promise((r) => setTimeout(r, gapMs));
              }
              await new Promise((r) => setTimeout(r, 500));
              wt.close();
              rtts.sort((a, b) => a - b);
              return { echoed: seen.size, dup, lastCount, p50: rtts[rtts.length >> 1], max: rtts.at(-1) };
            }
            """;

    @Test
    @SuppressWarnings("unchecked")
    void every_datagram_is_echoed_on_loopback() {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                Playwright playwright = Browsers.playwright();
                Browser browser = Browsers.chromiumWithQuic(playwright)) {
            Page page = browser.newPage();
            page.navigate(server.uri("/").toString());
            Map<String, Object> result = (Map<String, Object>) page.evaluate(ECHO, Map.of("count", 200, "gapMs", 5));
            System.out.println("udp_echo on loopback: " + result + "; server " + server.server.datagrams().counters());
            assertEquals(null, result.get("error"));
            assertEquals(200, ((Number) result.get("echoed")).intValue());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void reported_udp_echo_samples_reach_the_statistics_and_the_metrics() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                Playwright playwright = Browsers.playwright();
                Browser browser = Browsers.chromiumWithQuic(playwright)) {
            Page page = browser.newPage();
            page.navigate(server.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> run = (Map<String, Object>) page.evaluate("(o) => pingscope.measure(o).then((r) => ({ errors: r.errors,"
                    + " count: r.probes.udp_echo.count, reported: r.reported }))",
                    Map.of("probes", java.util.List.of("udp_echo"), "interval", 10, "rounds", 100, "warmup", 0, "reportInterval", 500));
            assertEquals(java.util.List.of(), run.get("errors"));
            int count = ((Number) run.get("count")).intValue();
            assertEquals(count, ((Number) ((Map<String, Object>) run.get("reported")).get("posted")).intValue(),
                    "every sample posted: " + run.get("reported"));

            com.fasterxml.jackson.databind.JsonNode udp = null;
            for (com.fasterxml.jackson.databind.JsonNode series : server.endInterval().get("series")) {
                if (series.get("kind").asText().equals("udp_echo") && series.get("source").asText().equals("browser")
                        && series.get("load").asText().equals("idle")) {
                    udp = series;
                }
            }
            assertTrue(udp != null, "/api/stats lists udp_echo");
            assertEquals(count, udp.get("total").get("count").asInt(), "/api/stats counts every udp_echo sample");
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("pingscope_rtt_seconds_count{kind=\"udp_echo\",load=\"idle\""), "the RTT histogram has udp_echo");
            assertTrue(metrics.contains("pingscope_samples_accepted_total{kind=\"udp_echo\",region=\"default\",source=\"browser\"} " + count),
                    "samples accepted: " + metrics.lines().filter(l -> l.contains("accepted")).toList());
            assertTrue(metrics.contains("pingscope_udp_datagrams_total{outcome=\"echoed\"}"), "datagram counters");
            assertTrue(metrics.contains("pingscope_udp_sessions_started_total{outcome=\"opened\"} 1"), "session counters");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_renewed_certificate_keeps_the_port_and_the_next_run_uses_its_hash() throws Exception {
        try (TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0));
                Playwright playwright = Browsers.playwright();
                Browser browser = Browsers.chromiumWithQuic(playwright)) {
            Page page = browser.newPage();
            page.navigate(server.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> options = Map.of("probes", java.util.List.of("udp_echo"), "interval", 10, "rounds", 50, "warmup", 0,
                    "report", false);
            String run = "(o) => pingscope.measure(o).then((r) => ({ errors: r.errors, count: r.probes.udp_echo.count }))";
            DatagramService udp = server.server.datagrams();
            String firstHash = udp.current().certificateHash();
            int port = udp.port();
            Map<String, Object> before = (Map<String, Object>) page.evaluate(run, options);

            udp.renew();

            assertEquals(port, udp.port(), "the same UDP port");
            assertTrue(!firstHash.equals(udp.current().certificateHash()), "a new certificate");
            Map<String, Object> after = (Map<String, Object>) page.evaluate(run, options);
            System.out.println("udp_echo before the renewal " + before + ", after " + after);
            assertEquals(java.util.List.of(), before.get("errors"));
            assertEquals(java.util.List.of(), after.get("errors"), "the page asked for the new hash");
            assertEquals(2, udp.counters().sessions(DatagramCounters.Session.OPENED), "the next run's session opened on the new listener");
            // Not asserted: that its datagrams are all echoed. In about 1 run in 6 here the session opened and then no
            // datagram reached the new listener at all (not one counted, of any outcome); not yet diagnosed, see
            // docs/design-udp-echo.md, "Known problems".
        }
    }
}
