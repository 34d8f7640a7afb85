package dev.pingscope.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import dev.pingscope.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * result.reference through a real path: Chromium in a client namespace measures the server in a server
 * namespace over an idle veth pair, beside the reference echo (a bare TCP echo timed by its own process,
 * {@link ReferenceEcho}). The kernel's RTT each method is compared with must agree with the echo; a server
 * that takes the client for a trusted proxy answers {@code proxied}; a run asking for PINGs every 100 ms gets
 * about ten times the PINGs of one at the server's 1 s, and one asking below --ws-min-ping-interval gets the
 * minimum. Names (pr…) and addresses (169.254.79.x) of its own, so it runs beside BottleneckTest.
 */
@Isolated // timing: the kernel and the reference echo are compared within 0.5 ms
class KernelReferenceBrowserTest {
    private static final int PORT = 7090;
    private static final int PROXIED_PORT = 7091;
    private static final int ECHO_PORT = 7092;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void the_kernels_rtt_agrees_with_the_reference_echo_is_proxied_behind_a_proxy_and_pings_come_as_often_as_asked()
            throws Exception {
        try (TwoNamespaces net = new TwoNamespaces("pr", "169.254.79.1", "169.254.79.2")) {
            Process server = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", net.serverAddress, "--port",
                    Integer.toString(PORT), "--instance", "reference", "--shutdown-grace", "1s", "--data-dir", TestServer.dataDir().toString());
            // The client's own address as a trusted proxy: to this server every visitor comes through a proxy.
            Process proxied = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", net.serverAddress, "--port",
                    Integer.toString(PROXIED_PORT), "--instance", "proxied", "--trusted-proxies", net.clientAddress,
                    "--shutdown-grace", "1s", "--data-dir", TestServer.dataDir().toString());
            Process echo = net.java(net.serverNs, ReferenceEcho.class.getName(), "server", net.serverAddress, Integer.toString(ECHO_PORT));
            TwoNamespaces.awaitLine(server, "listening on", 60);
            TwoNamespaces.awaitLine(proxied, "listening on", 60);
            TwoNamespaces.awaitLine(echo, "listening", 60);
            Path chromium = Browsers.systemBrowser();
            assertTrue(chromium != null, "needs Debian's chromium (the test command installs it)");
            try (Playwright playwright = Browsers.playwright();
                    Browser browser = Browsers.chromium(playwright, net.launcherInClient(chromium))) {
                Page page = browser.newPage();
                page.setDefaultTimeout(60_000);
                page.navigate("http://" + net.serverAddress + ":" + PORT + "/");

                for (int run = 0; run < 2; run++) {
                    referenceRun(net, page, run);
                }

                // PINGs as often as the run asks: 100 ms against the server's 1 s, over the same 6 s, on three pages at
                // once (each its own WebSocket, PINGed on its own schedule).
                double[] counts = pingCounts(browser, "http://" + net.serverAddress + ":" + PORT + "/", 1000, 100, 25);
                double slow = counts[0];
                double fast = counts[1];
                double clamped = counts[2]; // below --ws-min-ping-interval (100 ms): the minimum
                System.out.printf(Locale.ROOT, "PING samples in 6 s: interval 1000 ms %.0f, 100 ms %.0f, 25 ms (clamped) %.0f%n",
                        slow, fast, clamped);
                assertTrue(slow >= 4 && slow <= 8, "at the server's 1 s: " + slow);
                assertTrue(fast >= 7 * slow, "100 ms gives about 10x the PINGs of 1 s: " + fast + " against " + slow);
                assertTrue(clamped <= 1.3 * fast, "25 ms is clamped to 100 ms: " + clamped + " against " + fast);
                Object granted = page.evaluate("() => new Promise((resolve) => { const s = new WebSocket(`ws://${location.host}/ws?ping=25`);"
                        + " s.onmessage = ({ data }) => { s.close(); resolve(JSON.parse(data)); }; })");
                assertEquals(100, ((Number) ((Map<?, ?>) granted).get("ping_interval_ms")).intValue(), "the hello's grant: " + granted);

                // Behind a trusted proxy the kernel would measure the proxy's hop: no figures, the reason instead.
                page.navigate("http://" + net.serverAddress + ":" + PROXIED_PORT + "/");
                Object reference = page.evaluate("() => pingscope.measure({ duration: 3000, interval: 200, warmup: 0, report: false })"
                        + ".then((r) => r.reference)");
                System.out.println("through a trusted proxy: " + reference);
                assertEquals(Map.of("unavailable", "proxied"), reference);

                if (System.getProperty("pingscope.screenshots") != null) {
                    screenshot(page, net, Path.of(System.getProperty("pingscope.screenshots")));
                }
            }
        }
    }

    private static void referenceRun(TwoNamespaces net, Page page, int run) throws Exception {
        long duration = 10_000;
        Process reference = net.java(net.clientNs, ReferenceEcho.class.getName(), "client", net.serverAddress,
                Integer.toString(ECHO_PORT), "20", Long.toString(duration + 4_000));
        CompletableFuture<List<long[]>> referenceSamples = CompletableFuture.supplyAsync(() -> ReferenceEcho.answers(reference));
        Map<?, ?> r = (Map<?, ?>) page.evaluate("() => pingscope.measure({ duration: " + duration + ", interval: 200, report: false })"
                + ".then((r) => ({ from: r.startedAt, to: r.startedAt + r.duration, reference: r.reference,"
                + " p50: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.p50])),"
                + " count: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.count])) }))");
        reference.destroy();
        double from = ((Number) r.get("from")).doubleValue();
        double to = ((Number) r.get("to")).doubleValue();
        double[] echo = referenceSamples.get(30, TimeUnit.SECONDS).stream().filter(s -> s[0] >= from && s[0] <= to)
                .mapToDouble(s -> s[1] / 1e3).sorted().toArray();
        assertTrue(echo.length > 100, "reference samples " + echo.length);
        double echoP50 = echo[echo.length / 2];
        Map<?, ?> ref = (Map<?, ?>) r.get("reference");
        Map<?, ?> p50 = (Map<?, ?>) r.get("p50");
        System.out.printf(Locale.ROOT, "run %d: reference echo p50 %.3f ms (min %.3f, %d); page p50 %s, counts %s%n  result.reference %s%n",
                run, echoP50, echo[0], echo.length, p50, r.get("count"), ref);
        for (String kind : List.of("http_head", "ws_echo", "ws_ping")) {
            double value = ((Number) p50.get(kind)).doubleValue();
            System.out.printf(Locale.ROOT, "  %-9s p50 %.3f ms: %.3f ms above the reference echo%n", kind, value, value - echoP50);
        }
        assertEquals("tcp_info", ref.get("source"), "result.reference " + ref);
        for (String connection : List.of("http_head", "ws")) {
            Map<?, ?> c = (Map<?, ?>) ref.get(connection);
            assertTrue(c != null && c.get("rttMs") instanceof Number, connection + ": " + c);
            double kernel = ((Number) c.get("rttMs")).doubleValue();
            // Tolerance 0.5 ms: both cross the same idle 0.1 ms path. The echo's median carries its JVM's wake-ups
            // (tens of µs); min_rtt (ws) is a floor, below the echo's median by the path's own spread; HEAD's srtt
            // now and then takes a delayed ACK (p90 up to 1 ms in KernelRttMeaningBench) but its median stays low.
            // The methods themselves read 0.5-3 ms above: a tolerance that let them pass would prove nothing.
            assertTrue(Math.abs(kernel - echoP50) <= 0.5, String.format(Locale.ROOT,
                    "%s: kernel %.3f ms against the reference echo's %.3f ms", connection, kernel, echoP50));
            assertTrue(((Number) c.get("samples")).intValue() >= 5, connection + ": samples " + c);
        }
        assertTrue(((Number) ((Map<?, ?>) ref.get("http_head")).get("samples")).intValue() >= 5, "about one flagged HEAD a second");
        assertTrue(String.valueOf(ref.get("verdict")).matches("HEAD reads .* above the kernel's RTT of its own connection, .*: "
                + "(HEAD|echo|PING) is the closest\\."), "verdict: " + ref.get("verdict"));
        // The run asked for PINGs at its 200 ms interval: about as many as HEAD probes, not the server's 1 s worth.
        Map<?, ?> count = (Map<?, ?>) r.get("count");
        assertTrue(((Number) count.get("ws_ping")).doubleValue() >= 0.7 * ((Number) count.get("http_head")).doubleValue(),
                "PING samples " + count);
    }

    /** The PING samples a 6 s run gets at each interval, the runs side by side on pages of their own. */
    private static double[] pingCounts(Browser browser, String url, int... intervals) {
        List<Page> pages = new ArrayList<>();
        try {
            for (int i = 0; i < intervals.length; i++) {
                Page page = browser.newPage();
                pages.add(page);
                page.setDefaultTimeout(60_000);
                page.navigate(url);
                page.waitForFunction("() => window.pingscope");
            }
            for (int i = 0; i < intervals.length; i++) {
                pages.get(i).evaluate("() => { window.run = pingscope.measure({ probes: ['ws_ping'], duration: 6000, interval: "
                        + intervals[i] + ", warmup: 0, report: false }).then((r) => r.probes.ws_ping.count); }");
            }
            double[] counts = new double[intervals.length];
            for (int i = 0; i < intervals.length; i++) {
                counts[i] = ((Number) pages.get(i).evaluate("() => window.run")).doubleValue();
            }
            return counts;
        } finally {
            pages.forEach(Page::close);
        }
    }

    /** docs/screenshots/reference-page.png: the page after a run, with the verdict against the kernel. */
    private static void screenshot(Page page, TwoNamespaces net, Path dir) throws IOException {
        Files.createDirectories(dir);
        page.setViewportSize(1000, 900);
        page.navigate("http://" + net.serverAddress + ":" + PORT + "/");
        page.waitForFunction("() => window.pingscope");
        page.fill("#duration", "5");
        page.click("#start");
        page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(60_000));
        page.waitForTimeout(500);
        page.screenshot(new Page.ScreenshotOptions().setClip(0, 0, 1000, 900).setPath(dir.resolve("reference-page.png")));
    }

}
