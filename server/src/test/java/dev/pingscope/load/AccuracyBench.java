package dev.pingscope.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.pingscope.browser.BrowserKind;
import dev.pingscope.browser.SharedBrowsers;
import dev.pingscope.browser.TestBrowser;
import dev.pingscope.browser.TestPage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The accuracy table of docs/accuracy.md (server/bench/accuracy.sh). Each browser, on pingscope's own page
 * (cross-origin isolated, which takes a secure context: the server serves https with its own self-signed
 * certificate, which the test browsers accept), embedded in a page of another origin (not isolated: the coarse clock),
 * and on pingscope's own page from a second server over plain http (HTTP/1.1 and ws; not a secure context, so not
 * isolated), measures a server across two network namespaces while an independent reference, a bare TCP echo timed by its own
 * process ({@link ReferenceEcho}), crosses the same path at the same time. Per kind it gives:
 * <ul>
 *   <li>the idle bias: the kind's p50 minus the reference's p50 over the same window (what "your ping" reads
 *       above the path's RTT);</li>
 *   <li>the bias against the kernel's RTT of the kind's own connection ({@code result.reference});</li>
 *   <li>the loaded error: the kind's rise from idle to loaded (a download through a 20 Mbit/s tbf on the
 *       server's side of the veth) minus the reference's rise over the same windows.</li>
 * </ul>
 * The parent (root namespace, as root) makes the namespaces and starts the server and the echo server there;
 * the browsers run in the client namespace, driven by a JVM there ({@link InClient}), since Firefox's and
 * WebKit's drivers listen on that namespace's loopback. Prints one Markdown block.
 */
public final class AccuracyBench {
    static final String SERVER_ADDRESS = "169.254.83.1";
    static final String CLIENT_ADDRESS = "169.254.83.2";
    static final int PORT = 7080;
    static final int ECHO_PORT = 7082;
    /** A second server, plain http: pingscope's own page over HTTP/1.1 and ws, as a site without TLS serves it. */
    static final int HTTP_PORT = 7081;
    static final String SERVER = "https://" + SERVER_ADDRESS + ":" + PORT + "/";
    static final String HTTP_SERVER = "http://" + SERVER_ADDRESS + ":" + HTTP_PORT + "/";
    static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");
    /** isolated: the own page over https; embedded: the snippet on another origin; http: the own page over plain http. */
    static final List<String> MODES = List.of("isolated", "embedded", "http");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The default run a visitor gets: 10 s at one probe of each kind per 200 ms. */
    static final int IDLE_MS = 10_000;
    static final int LOAD_IDLE_MS = 4_000;
    static final int LOADED_MS = 12_000;

    private AccuracyBench() {}

    /** args: OUTPUT_FILE [RUNS per cell, 2] [BROWSERS, e.g. chromium,firefox,webkit: all]. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String runs = args.length > 1 ? args[1] : "2";
        String browsers = args.length > 2 ? args[2] : "";
        List<JsonNode> cells = new ArrayList<>();
        try (TwoNamespaces net = new TwoNamespaces("pa", SERVER_ADDRESS, CLIENT_ADDRESS)) {
            tc(net.serverNs, "qdisc", "add", "dev", "vs", "root", "tbf", "rate", "20mbit", "burst", "32kbit", "limit", "1mb");
            Process server = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", SERVER_ADDRESS, "--port",
                    Integer.toString(PORT), "--tls-self-signed", "--instance", "accuracy", "--shutdown-grace", "1s", "--data-dir",
                    Files.createTempDirectory("pingscope-accuracy").toString());
            Process plain = net.java(net.serverNs, "dev.pingscope.cli.Main", "--host", SERVER_ADDRESS, "--port",
                    Integer.toString(HTTP_PORT), "--instance", "accuracy-http", "--shutdown-grace", "1s", "--data-dir",
                    Files.createTempDirectory("pingscope-accuracy").toString());
            Process echo = net.java(net.serverNs, ReferenceEcho.class.getName(), "server", SERVER_ADDRESS, Integer.toString(ECHO_PORT));
            TwoNamespaces.awaitLine(server, "listening on", 30);
            TwoNamespaces.awaitLine(plain, "listening on", 30);
            TwoNamespaces.awaitLine(echo, "listening", 30);
            Process client = net.java(net.clientNs, InClient.class.getName(), runs, browsers);
            Thread errors = new Thread(() -> copy(client.getErrorStream()), "client-stderr");
            errors.setDaemon(true);
            errors.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    System.out.println(line);
                    if (line.startsWith("CELL ")) {
                        cells.add(JSON.readTree(line.substring(5)));
                    }
                }
            }
            if (client.waitFor() != 0) {
                throw new IllegalStateException("the client side failed (exit " + client.exitValue() + ")");
            }
        }
        String block = table(cells);
        Files.writeString(out, block);
        System.out.println(block);
    }

    private static void copy(java.io.InputStream in) {
        try {
            in.transferTo(System.err);
        } catch (IOException e) {
            // the child ended
        }
    }

    private static void tc(String ns, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tc", "-n", ns));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + text.trim());
        }
    }

    /** One row per browser, page and kind: the means over the runs, with the runs' range for the idle bias. */
    static String table(List<JsonNode> cells) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- accuracy:start (server/bench/accuracy.sh, ").append(Instant.now().toString(), 0, 16).append("Z, ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores) -->\n");
        md.append("| browser | page | kind | clock step | n | idle bias vs echo | range | vs kernel | loaded error |\n");
        md.append("|---|---|---|---:|---:|---:|---|---:|---:|\n");
        Map<String, List<JsonNode>> byCell = new LinkedHashMap<>();
        for (JsonNode c : cells) {
            byCell.computeIfAbsent(c.get("browser").asText() + "|" + c.get("mode").asText(), k -> new ArrayList<>()).add(c);
        }
        for (Map.Entry<String, List<JsonNode>> e : byCell.entrySet()) {
            String[] key = e.getKey().split("\\|", -1);
            for (String kind : KINDS) {
                List<Double> bias = values(e.getValue(), kind, "bias");
                double lo = bias.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                double hi = bias.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %+.2f ms | %+.2f to %+.2f | %s | %+.2f ms |%n", key[0],
                        key[1], kind, step(e.getValue(), kind), mean(values(e.getValue(), kind, "n")), mean(bias), lo, hi,
                        fmt(mean(values(e.getValue(), kind, "kernel"))), mean(values(e.getValue(), kind, "loadedError"))));
            }
        }
        md.append("<!-- accuracy:end -->\n");
        return md.toString();
    }

    private static List<Double> values(List<JsonNode> runs, String kind, String field) {
        List<Double> out = new ArrayList<>();
        for (JsonNode run : runs) {
            JsonNode v = run.path(kind).path(field);
            if (v.isNumber()) {
                out.add(v.asDouble());
            }
        }
        return out;
    }

    private static String step(List<JsonNode> runs, String kind) {
        JsonNode s = runs.get(0).path(kind).path("step");
        return s.isNumber() ? (s.asDouble() >= 1 ? String.format(Locale.ROOT, "%.0f ms", s.asDouble())
                : String.format(Locale.ROOT, "%.0f µs", s.asDouble() * 1000)) : "server";
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "absent" : String.format(Locale.ROOT, "%+.2f ms", ms);
    }

    /** The client side, in the client namespace: the browsers, the page of another origin, the reference client. */
    public static final class InClient {
        private InClient() {}

        public static void main(String[] args) throws Exception {
            int runs = Integer.parseInt(args[0]);
            if (args.length > 1 && !args[1].isBlank()) {
                System.setProperty("pingscope.browsers", args[1]);
            }
            HttpServer site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            site.createContext("/", exchange -> {
                byte[] page = "<!doctype html><title>another site</title>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/") ? 200 : 404, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            site.start();
            String other = "http://127.0.0.1:" + site.getAddress().getPort() + "/";
            try {
                for (BrowserKind kind : BrowserKind.selected()) {
                    try (TestBrowser browser = SharedBrowsers.launchAlone(kind)) {
                        for (String mode : MODES) {
                            try (TestPage page = browser.newPage()) {
                                open(page, mode, other);
                                for (int run = 1; run <= runs; run++) {
                                    Map<String, Object> cell = new LinkedHashMap<>();
                                    cell.put("browser", kind.label());
                                    cell.put("mode", mode);
                                    cell.put("run", run);
                                    measure(page, cell);
                                    System.out.println("CELL " + JSON.writeValueAsString(cell));
                                }
                            }
                        }
                    }
                }
            } finally {
                site.stop(0);
            }
        }

        private static void open(TestPage page, String mode, String other) {
            if (mode.equals("isolated")) {
                page.navigate(SERVER);
            } else if (mode.equals("http")) {
                page.navigate(HTTP_SERVER); // not a secure context: not isolated
            } else {
                page.navigate(other);
                page.evaluate("(src) => { const s = document.createElement('script'); s.src = src; document.head.append(s); }",
                        SERVER + "pingscope.js");
            }
            page.waitForFunction("() => window.pingscope && window.pingscope.measure", null, Duration.ofSeconds(30));
            Object isolated = page.evaluate("() => crossOriginIsolated");
            if (Boolean.TRUE.equals(isolated) != mode.equals("isolated")) {
                throw new IllegalStateException(mode + " page, but crossOriginIsolated is " + isolated);
            }
        }

        /** An idle run (the default 10 s) and a download run, each beside the reference echo. */
        private static void measure(TestPage page, Map<String, Object> cell) throws Exception {
            Reference idleRef = Reference.start();
            Map<?, ?> idle = (Map<?, ?>) page.evaluate("(o) => pingscope.measure(o).then((r) => ({ from: r.startedAt,"
                    + " to: r.startedAt + r.duration, errors: r.errors, reference: r.reference,"
                    + " probes: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, { p50: v.p50, n: v.count,"
                    + "   step: v.clock ? v.clock.step : null }])) }))",
                    Map.of("duration", IDLE_MS, "report", false));
            double refIdle = idleRef.p50(number(idle, "from"), number(idle, "to"));
            Reference loadRef = Reference.start();
            Map<?, ?> load = (Map<?, ?>) page.evaluate("(o) => pingscope.measure(o).then((r) => { const at = r.startedAt + r.duration;"
                    + " return { from: r.startedAt, loadedFrom: at - r.load.loadedMs, to: at, errors: r.errors,"
                    + " idle: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.p50])),"
                    + " loaded: Object.fromEntries(Object.entries(r.probes).map(([k, v]) => [k, v.loaded ? v.loaded.p50 : null])) }; })",
                    Map.of("duration", LOAD_IDLE_MS, "load", "download", "loadDuration", LOADED_MS, "report", false));
            double loadedFrom = number(load, "loadedFrom");
            double refLoadIdle = loadRef.p50(number(load, "from"), loadedFrom - 1_000);
            double refLoaded = loadRef.p50(loadedFrom, number(load, "to"));
            cell.put("referenceIdleMs", refIdle);
            cell.put("referenceRiseMs", refLoaded - refLoadIdle);
            cell.put("errors", List.of(idle.get("errors"), load.get("errors")));
            Map<?, ?> probes = (Map<?, ?>) idle.get("probes");
            Map<?, ?> kernel = idle.get("reference") instanceof Map<?, ?> r ? r : Map.of();
            for (String kind : KINDS) {
                Map<?, ?> p = (Map<?, ?>) probes.get(kind);
                Map<String, Object> k = new LinkedHashMap<>();
                double p50 = number(p, "p50");
                k.put("p50", p50);
                k.put("n", p.get("n"));
                k.put("step", p.get("step"));
                k.put("bias", p50 - refIdle);
                Object conn = kernel.get(kind.equals("http_head") ? "http_head" : "ws");
                if (conn instanceof Map<?, ?> c && c.get("rttMs") instanceof Number rtt) {
                    k.put("kernel", p50 - rtt.doubleValue());
                    k.put("kernelRttMs", rtt.doubleValue());
                }
                Object idleP50 = ((Map<?, ?>) load.get("idle")).get(kind);
                Object loadedP50 = ((Map<?, ?>) load.get("loaded")).get(kind);
                if (idleP50 instanceof Number i && loadedP50 instanceof Number l) {
                    k.put("loadedError", (l.doubleValue() - i.doubleValue()) - (refLoaded - refLoadIdle));
                }
                cell.put(kind, k);
            }
        }

        private static double number(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (!(v instanceof Number n)) {
                throw new IllegalStateException(key + " missing in " + map);
            }
            return n.doubleValue();
        }
    }

    /** The reference echo's client, a process of its own in this namespace, and what it measured. */
    private record Reference(Process process, CompletableFuture<List<long[]>> samples) {
        /** Runs until {@link #p50} first asks (at most 2 minutes): a load run's ramp-up takes as long as it takes. */
        static Reference start() throws IOException {
            long durationMs = 120_000;
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), ReferenceEcho.class.getName(), "client", SERVER_ADDRESS,
                    Integer.toString(ECHO_PORT), "20", Long.toString(durationMs)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return new Reference(p, CompletableFuture.supplyAsync(() -> ReferenceEcho.answers(p)));
        }

        /** The median RTT (ms) of the answers received between two wall-clock times (ms). */
        double p50(double from, double to) throws Exception {
            process.destroy();
            double[] rtts = samples.get(30, TimeUnit.SECONDS).stream().filter(s -> s[0] >= from && s[0] <= to)
                    .mapToDouble(s -> s[1] / 1e3).sorted().toArray();
            if (rtts.length == 0) {
                throw new IllegalStateException("no reference sample between " + from + " and " + to);
            }
            return rtts[rtts.length / 2];
        }

    }
}
