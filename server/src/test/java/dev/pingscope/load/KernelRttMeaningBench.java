package dev.pingscope.load;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import dev.pingscope.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel's RTT figures of a probe connection mean, read by the test itself ({@code ss} in the server's
 * namespace, not pingscope's TCP_INFO code) while Chromium in the client namespace runs pingscope's probes over
 * an idle veth path, beside the reference echo. A measurement that prints its figures (docs/protocol.md,
 * "The kernel's RTT as a reference" quotes them), run by {@code server/bench/kernel-rtt.sh}, not by the test
 * command: it takes two minutes and decides nothing a test could assert. It fails only when a figure was not
 * seen. The page asks for
 * PINGs at its probe interval (200 ms), which the second server (--ping-interval 100ms) caps at 100 ms; the figures
 * in the docs were taken before the page asked (PING every 1 s on the first server).
 */
public final class KernelRttMeaningBench {
    private static final int PORT = 7080;
    private static final int FAST_PING_PORT = 7082;
    private static final int ECHO_PORT = 7081;

    private KernelRttMeaningBench() {}

    /** Prints srtt, rttvar and min_rtt of the probe connections beside the reference echo, phase by phase. */
    public static void main(String[] args) throws Exception {
        try (TwoNamespaces net = new TwoNamespaces("pk", "169.254.78.1", "169.254.78.2")) {
            Process server = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", net.serverAddress, "--port",
                    Integer.toString(PORT), "--instance", "meaning", "--shutdown-grace", "1s", "--data-dir", TestServer.dataDir().toString());
            Process fast = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", net.serverAddress, "--port",
                    Integer.toString(FAST_PING_PORT), "--instance", "meaning-fast", "--ping-interval", "100ms", "--shutdown-grace", "1s", "--data-dir", TestServer.dataDir().toString());
            Process echo = net.java(net.serverNs, ReferenceEcho.class.getName(), "server", net.serverAddress, Integer.toString(ECHO_PORT));
            TwoNamespaces.awaitLine(server, "listening on", 60);
            TwoNamespaces.awaitLine(fast, "listening on", 60);
            TwoNamespaces.awaitLine(echo, "listening", 60);
            Path chromium = Browsers.systemBrowser();
            check(chromium != null, "needs Debian's chromium");
            try (Playwright playwright = Browsers.playwright();
                    Browser browser = Browsers.chromium(playwright, net.launcherInClient(chromium))) {
                for (int repeat = 0; repeat < 2; repeat++) {
                    phase(net, browser, PORT, "['http_head']", "HEAD every 200 ms");
                    phase(net, browser, PORT, "['ws_echo', 'ws_ping']", "echo every 200 ms, PING every 200 ms (asked by the page)");
                    phase(net, browser, FAST_PING_PORT, "['ws_echo', 'ws_ping']", "echo every 200 ms, PING every 100 ms (the server's slowest)");
                    phase(net, browser, FAST_PING_PORT, "['ws_ping']", "PING every 100 ms alone (the server's slowest)");
                    phase(net, browser, PORT, "['http_head', 'ws_echo', 'ws_ping']", "all three (HEAD, echo 200 ms, PING 200 ms)");
                }
            }
        }
    }

    private static void phase(TwoNamespaces net, Browser browser, int port, String probes, String name) throws Exception {
        long duration = 12_000;
        Process reference = net.java(net.clientNs, ReferenceEcho.class.getName(), "client", net.serverAddress,
                Integer.toString(ECHO_PORT), "20", Long.toString(duration + 6_000));
        CompletableFuture<List<long[]>> referenceSamples = CompletableFuture.supplyAsync(() -> ReferenceEcho.answers(reference));
        Map<?, ?> result;
        List<KernelSockets.Sample> kernel;
        try (KernelSockets ss = new KernelSockets(net.serverNs, port, 100)) {
            Page page = browser.newPage();
            page.navigate("http://" + net.serverAddress + ":" + port + "/");
            page.setDefaultTimeout(60_000);
            result = (Map<?, ?>) page.evaluate("() => pingscope.measure({ probes: " + probes + ", duration: " + duration
                    + ", interval: 200, report: false }).then((r) => ({ from: r.startedAt, to: r.startedAt + r.duration,"
                    + " p50: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.p50])),"
                    + " min: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.min])),"
                    + " n: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.count])) }))");
            page.close();
            long from = ((Number) result.get("from")).longValue() + 2_000; // past the page load and warm-up
            long to = ((Number) result.get("to")).longValue();
            kernel = ss.between(from, to);
        }
        reference.destroy();
        long from = ((Number) result.get("from")).longValue() + 2_000;
        long to = ((Number) result.get("to")).longValue();
        double[] ref = referenceSamples.get(30, TimeUnit.SECONDS).stream().filter(s -> s[0] >= from && s[0] <= to)
                .mapToDouble(s -> s[1] / 1e3).sorted().toArray();
        check(ref.length > 50, name + ": reference samples " + ref.length);
        // The probe connections: those that sent segments within the window (the page's own load stays idle).
        Map<String, List<KernelSockets.Sample>> byPeer = new LinkedHashMap<>();
        for (KernelSockets.Sample s : kernel) {
            byPeer.computeIfAbsent(s.peer(), p -> new ArrayList<>()).add(s);
        }
        System.out.printf(Locale.ROOT, "%s: page p50 %s min %s n %s; reference echo p50 %.3f ms min %.3f ms (%d)%n", name,
                result.get("p50"), result.get("min"), result.get("n"), ref[ref.length / 2], ref[0], ref.length);
        boolean seen = false;
        for (Map.Entry<String, List<KernelSockets.Sample>> e : byPeer.entrySet()) {
            List<KernelSockets.Sample> list = e.getValue();
            long segs = list.get(list.size() - 1).segsOut() - list.get(0).segsOut();
            if (segs < 5) {
                continue;
            }
            seen = true;
            double[] srtt = list.stream().mapToDouble(KernelSockets.Sample::rttMs).sorted().toArray();
            double[] var = list.stream().mapToDouble(KernelSockets.Sample::rttVarMs).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %s: %d segments out; srtt p50 %.3f ms (p10 %.3f, p90 %.3f), rttvar p50 %.3f ms,"
                            + " min_rtt %.3f ms (%d samples)%n", e.getKey(), segs, srtt[srtt.length / 2], srtt[srtt.length / 10],
                    srtt[srtt.length * 9 / 10], var[var.length / 2], list.get(list.size() - 1).minRttMs(), list.size());
        }
        check(seen, name + ": ss saw the probe connection(s)");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

}
