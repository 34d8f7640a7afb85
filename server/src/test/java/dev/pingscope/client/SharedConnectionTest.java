package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.browser.BrowserKind;
import dev.pingscope.browser.InEveryBrowser;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import dev.pingscope.tls.SelfSignedCertificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A HEAD probe whose connection also carries the probe WebSocket is told so ({@code tcp_shared;desc="websocket"},
 * docs/protocol.md), and result.reference takes that connection's min RTT for HEAD instead of its smoothed RTT,
 * which the WebSocket's delayed ACKs inflate (docs/accuracy.md: Firefox's isolated HEAD read 13.7 ms below it).
 * On pingscope's own page over https (h2): Firefox sends its HEAD probes and its RFC 8441 WebSocket on one
 * connection; Chromium keeps its HEAD probes (credentials omitted) in a pool of their own; WebKit opens its
 * WebSockets over HTTP/1.1, on connections of their own. The real server on loopback reads TCP_INFO.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
class SharedConnectionTest {
    static TestServer ts;

    @BeforeAll
    static void start() throws Exception {
        ts = TestServer.start(TestServer.testConfig().withTls(SelfSignedCertificate.create()));
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @InEveryBrowser
    @SuppressWarnings("unchecked")
    void a_head_probe_on_the_websockets_connection_is_told_so_and_its_reference_is_the_min_rtt(TestBrowser browser) {
        boolean shares = browser.kind() == BrowserKind.FIREFOX;
        try (TestPage page = browser.newPage()) {
            page.navigate("https://127.0.0.1:" + ts.server.port() + "/");
            page.waitForFunction("() => window.pingscope");
            Map<String, Object> r = (Map<String, Object>) page.evaluate("""
                    () => pingscope.measure({ duration: 4000, interval: 100, warmup: 2, report: false }).then((r) => ({
                      errors: r.errors, isolated: crossOriginIsolated,
                      kernels: r.probes.http_head.samples.filter((s) => s.kernel).map((s) => s.kernel),
                      head: r.reference.http_head, ws: r.reference.ws }))
                    """);
            System.out.printf("%s over https: HEAD kernel entries %s; reference http_head %s, ws %s%n", browser,
                    r.get("kernels"), r.get("head"), r.get("ws"));
            assertEquals(List.of(), r.get("errors"));
            assertEquals(true, r.get("isolated"), "pingscope's own page over https is isolated");
            List<String> kernels = (List<String>) r.get("kernels");
            assertTrue(kernels.size() >= 3, "about one flagged HEAD a second: " + kernels);
            for (String kernel : kernels) {
                assertTrue(kernel.startsWith("tcp_srtt;dur="), "figures, not a reason: " + kernel);
                assertEquals(shares, kernel.endsWith(", tcp_shared;desc=\"websocket\""),
                        browser + (shares ? " sends HEAD on the WebSocket's connection: " : " keeps HEAD apart: ") + kernel);
            }
            Map<String, Object> head = (Map<String, Object>) r.get("head");
            assertEquals(shares ? "min" : "srtt", head.get("figure"), "HEAD's reference figure: " + head);
            double rtt = ((Number) head.get("rttMs")).doubleValue();
            double srtt = ((Number) head.get("srttMs")).doubleValue();
            if (shares) {
                assertTrue(rtt <= srtt, "the median min RTT, at or below the median srtt: " + head);
            } else {
                assertEquals(srtt, rtt, 1e-9, "the median srtt: " + head);
            }
            assertEquals("min", ((Map<String, Object>) r.get("ws")).get("figure"));
        }
    }
}
