package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import dev.pingscope.TestTls;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * pingscope.js over HTTPS: a pingscope server with a self-signed certificate (h2 and http/1.1 by ALPN, wss:),
 * and a second HTTPS site on another port, with the same certificate, that embeds the snippet. Each test has
 * a browser context of its own (no connection left open by another test) that accepts the certificate, as a
 * browser whose user trusts it would.
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
@ExtendWith(SharedBrowser.class)
class HttpsTest {
    static TlsSettings tls;
    static TestServer ts;
    static HttpsServer site;
    static Browser browser;
    BrowserContext context;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        tls = SelfSignedCertificate.create();
        site = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        site.setHttpsConfigurator(new HttpsConfigurator(TestTls.serving(tls)));
        ts = TestServer.start(TestServer.testConfig().withTls(tls).withAllowedOrigins(List.of(siteOrigin())));
        ExampleSite.serve(site, pingscopeOrigin());
        browser = shared;
    }

    @AfterAll
    static void stop() {
        ts.close();
        site.stop(0);
    }

    @BeforeEach
    void newContext() {
        context = browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
    }

    @AfterEach
    void closeContext() {
        context.close();
    }


    /** /api/stats as the server would serve it, after ending the current interval. */
    static JsonNode endInterval() {
        return TestServer.JSON.valueToTree(ts.server.reporter().reportNow());
    }

    static String pingscopeOrigin() {
        return "https://127.0.0.1:" + ts.server.port();
    }

    static String siteOrigin() {
        return "https://127.0.0.1:" + site.getAddress().getPort();
    }

    static int intValue(Object value) {
        return ((Number) value).intValue();
    }

    /** What the tests check of a result, gathered in the page. */
    static final String SUMMARY = """
            (r) => ({
              server: r.server, errors: r.errors, connection: r.connection, reported: r.reported, precise: r.precise,
              counts: Object.fromEntries(Object.entries(r.probes).map(([k, p]) => [k, p.count])),
              protocols: Object.fromEntries(Object.entries(r.probes).map(([k, p]) => [k, p.protocols])),
              headSampleProtocols: [...new Set(r.probes.http_head.samples.map((s) => s.protocol))],
              reused: r.probes.http_head.samples.filter((s) => s.newConnection === false).length,
              origin: location.origin,
            })
            """;

    @Test
    @SuppressWarnings("unchecked")
    void over_https_head_probes_go_by_h2_the_websocket_by_wss_and_a_new_connection_shows_its_tls_handshake() {
        Page page = context.newPage();
        ConsoleErrors errors = ConsoleErrors.of(page);
        page.navigate(pingscopeOrigin() + "/");
        page.waitForFunction("() => window.pingscope");
        Map<String, Object> r = (Map<String, Object>) page.evaluate(
                "async () => (" + SUMMARY + ")(await pingscope.measure({ duration: 2000, interval: 50 }))");
        System.out.println("https: " + r);
        assertEquals(pingscopeOrigin() + "/", r.get("server"));
        assertEquals(List.of(), r.get("errors"));
        Map<String, Object> counts = (Map<String, Object>) r.get("counts");
        assertTrue(intValue(counts.get("http_head")) >= 20 && intValue(counts.get("ws_echo")) >= 20
                && intValue(counts.get("ws_ping")) >= 5, "all three kinds measured: " + counts);
        Map<String, Object> protocols = (Map<String, Object>) r.get("protocols");
        assertEquals(List.of("h2"), protocols.get("http_head"), "HTTP/2, negotiated by ALPN");
        assertEquals(List.of("h2"), r.get("headSampleProtocols"), "each HEAD sample names its protocol");
        assertEquals(List.of("wss"), protocols.get("ws_echo"));
        assertEquals(List.of("wss"), protocols.get("ws_ping"));

        Map<String, Object> connection = (Map<String, Object>) r.get("connection");
        assertTrue(connection != null, "the HEAD probes opened a connection of their own (no credentials): " + r);
        assertEquals("h2", connection.get("protocol"));
        double tcp = ((Number) connection.get("tcp")).doubleValue();
        double handshake = ((Number) connection.get("tls")).doubleValue();
        assertTrue(handshake > 0, "a TLS handshake takes time: " + connection);
        assertTrue(tcp >= 0 && tcp < 1000 && handshake < 1000, "TCP and TLS split of the connection's setup: " + connection);
        assertTrue(intValue(connection.get("opened")) >= 1, connection.toString());
        assertTrue(intValue(r.get("reused")) >= intValue(counts.get("http_head")) - 1,
                "every HEAD sample says whether its connection was new; after the first, they reuse it: " + r);

        Map<String, Object> reported = (Map<String, Object>) r.get("reported");
        assertEquals(intValue(counts.get("http_head")) + intValue(counts.get("ws_echo")), intValue(reported.get("posted")),
                "every sample reported over HTTPS: " + reported);
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    void the_page_over_https_shows_the_protocol_of_each_method_and_the_tls_handshake() {
        Page page = context.newPage();
        ConsoleErrors errors = ConsoleErrors.of(page);
        page.navigate(pingscopeOrigin() + "/");
        page.fill("#duration", "1");
        page.fill("#interval", "50");
        page.click("#start");
        page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(20_000));
        assertEquals("h2", page.textContent("td[data-kind=http_head][data-stat=protocol]"));
        assertEquals("wss", page.textContent("td[data-kind=ws_echo][data-stat=protocol]"));
        assertEquals("wss", page.textContent("td[data-kind=ws_ping][data-stat=protocol]"));
        String facts = page.textContent("#facts");
        assertTrue(facts.matches("(?s).*New connection costTCP \\d+\\.\\d\\d ms, TLS \\d+\\.\\d\\d ms \\(h2, \\d+ opened\\).*"), facts);
        assertTrue(facts.contains("WebSocket reconnectsnone"), facts);
        assertEquals(List.of(), errors.list(), "no console errors");
        page.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_https_page_on_another_origin_embeds_the_snippet_over_https_and_measures_by_h2_and_wss() throws Exception {
        JsonNode before = endInterval();
        Page page = context.newPage();
        ConsoleErrors errors = ConsoleErrors.of(page);
        page.navigate(siteOrigin() + "/embed-api.html");
        page.waitForFunction("() => window.pingscopeResult", null, new Page.WaitForFunctionOptions().setTimeout(15_000));
        Map<String, Object> r = (Map<String, Object>) page.evaluate("(" + SUMMARY + ")(window.pingscopeResult)");
        System.out.println("embedded over https: " + r);
        assertEquals(siteOrigin(), r.get("origin"), "the page is on the other HTTPS site");
        assertEquals(pingscopeOrigin() + "/", r.get("server"), "the snippet probes the server it came from, over https");
        assertEquals(List.of(), r.get("errors"));
        Map<String, Object> counts = (Map<String, Object>) r.get("counts");
        long head = intValue(counts.get("http_head"));
        long echo = intValue(counts.get("ws_echo"));
        assertTrue(head >= 20 && echo >= 20 && intValue(counts.get("ws_ping")) >= 5, "3 s at 100 ms: " + counts);
        Map<String, Object> protocols = (Map<String, Object>) r.get("protocols");
        assertEquals(List.of("h2"), protocols.get("http_head"));
        assertEquals(List.of("wss"), protocols.get("ws_echo"), "wss: from an https: script, never mixed content");
        assertEquals(true, ((Map<String, Object>) r.get("precise")).get("resourceTiming"),
                "Timing-Allow-Origin honoured across HTTPS origins");
        assertTrue(page.textContent("#rtt").matches("\\d+\\.\\d ms\\. (HTTP HEAD|No clear).*"), page.textContent("#rtt"));
        TestServer.await("the embed's samples recorded by the server", Duration.ofSeconds(5), () -> {
            JsonNode now = endInterval();
            return count(now, "http_head") - count(before, "http_head") == head
                    && count(now, "ws_echo") - count(before, "ws_echo") == echo;
        });
        assertEquals(List.of(), errors.list(), "no console errors (no mixed content blocked)");
        page.close();
    }

    private static long count(JsonNode stats, String kind) {
        return TestServer.totalCount(stats, kind, "browser");
    }
}
