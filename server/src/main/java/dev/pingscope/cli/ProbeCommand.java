package dev.pingscope.cli;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.prober.KindReport;
import dev.pingscope.prober.ProbeOptions;
import dev.pingscope.prober.ProbeReport;
import dev.pingscope.prober.ProbeRun;
import dev.pingscope.prober.ReportFormat;
import dev.pingscope.prober.ResultSave;
import dev.pingscope.prober.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pingscope probe URL}: synthetic probing of a pingscope server from a JVM, open-loop like wrk2. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Probes a pingscope server by HTTP HEAD, WebSocket echo and server PINGs, on an open-loop",
            "schedule: each probe has an intended send time, and latency is reported both from it",
            "(corrected for coordinated omission) and from the actual send time (raw). Over https://,",
            "HEAD goes over HTTP/2 (ALPN) unless --http1.1, and WebSockets over wss://.",
            "With --load, then saturates the link and reports idle against loaded, goodput and RPM.",
            "Prints a percentile summary, and how long a pingscope server paused itself during the run;",
            "exits 1 when a probe kind got no answer at all."
        })
public final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "The server's base URL, e.g. http://localhost:7070 or https://ping.example.com (WebSockets then go to wss://)")
    String url;

    @Option(names = "--kinds", split = ",", defaultValue = "http_head,ws_echo,ws_ping", paramLabel = "KIND",
            description = "Probe kinds, comma-separated: http_head, ws_echo, ws_ping (default ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "PER_SECOND",
            description = "Probes per second per kind, all connections together, or max for closed loop (default ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
            description = "Connections per kind; each carries one probe at a time (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to probe, warm-up included (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--timeout", defaultValue = "2s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A probe with no answer after this long is lost (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "N",
            description = "Probes per connection discarded at the start (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print the result as JSON instead of the summary.")
    boolean json;

    @Option(names = "--hlog", paramLabel = "FILE",
            description = "Also write an HdrHistogram interval log (one interval a second, tags <kind>.corrected and <kind>.raw, values in µs).")
    Path hlog;

    @Option(names = "--report-to", paramLabel = "URL",
            description = "Send the raw RTTs to this pingscope server's intake as source 'synthetic'.")
    String reportTo;

    @Option(names = "--save",
            description = "Save the run on the server probed (POST /api/results, source 'synthetic') and print the link to its page.")
    boolean save;

    @Option(names = "--quiet", description = "No progress line while probing.")
    boolean quiet;

    @Option(names = "--http1.1", description = "HEAD over HTTP/1.1 even where an https:// server offers HTTP/2 (the default there, by ALPN).")
    boolean http11;

    @Option(names = "--load", paramLabel = "DIRECTION",
            description = "After the idle phase (--duration), saturate the link with load streams (download, upload or both)"
                    + " while probing on, and report idle against loaded, goodput and RPM (docs/load.md).")
    String load;

    @Option(names = "--load-duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "With --load: the loaded phase, its ramp included, at least 8 intervals (default 16 intervals:"
                    + " 80s at the draft's 5s, 16s at 1s).")
    Duration loadDuration;

    @Option(names = "--load-interval", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "With --load: the responsiveness draft's interval (ID), whole seconds from 1s to 10s; -09's"
                    + " default is 5s, earlier versions' 1s (default ${DEFAULT-VALUE}).")
    Duration loadInterval;

    @Mixin
    TlsTrustOptions tlsTrust = new TlsTrustOptions();

    @Override
    public Integer call() throws Exception {
        ProbeOptions options = toOptions();
        ProbeReport report = new ProbeRun(options, quiet ? null : spec.commandLine().getErr()).call();
        spec.commandLine().getOut().print(json ? ReportFormat.json(report) + "\n" : ReportFormat.text(report));
        spec.commandLine().getOut().flush();
        boolean saved = !save || save(report);
        List<KindReport> all = new java.util.ArrayList<>(report.kinds());
        if (report.load() != null) {
            all.addAll(report.load().loadedKinds());
        }
        for (KindReport k : all) {
            if (k.answered() == 0) {
                spec.commandLine().getErr().println("pingscope probe: no " + k.kind().wireName() + " probe was answered by " + url
                        + (k.lastError() == null ? "" : ": " + k.lastError()));
                return 1;
            }
        }
        return saved ? 0 : 1;
    }

    /** Posts the run; prints the link (to stderr with --json, so stdout stays one JSON document). */
    private boolean save(ProbeReport report) {
        java.io.PrintWriter to = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        try {
            ResultSave.Saved saved = ResultSave.post(report);
            if (!saved.ok()) {
                spec.commandLine().getErr().println("pingscope probe: the run was not saved (" + saved.status() + "): " + saved.error());
                return false;
            }
            to.println("Saved: " + saved.url());
            to.println("Delete it with: curl -X DELETE -H 'X-Delete-Token: " + saved.deleteToken() + "' "
                    + saved.url().replace("/r/", "/api/results/"));
            to.flush();
            return true;
        } catch (IOException e) {
            spec.commandLine().getErr().println("pingscope probe: the run was not saved: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    ProbeOptions toOptions() {
        URI target = httpUrl("URL", url);
        Set<ProbeKind> selected = EnumSet.noneOf(ProbeKind.class);
        for (String name : kinds) {
            ProbeKind kind = ProbeKind.fromWireName(name.trim());
            if (kind == null) {
                throw invalid("--kinds", "'" + name + "' is not a probe kind (http_head, ws_echo, ws_ping)");
            }
            if (kind == ProbeKind.UDP_ECHO) {
                throw invalid("--kinds", "udp_echo is measured from browsers only: pingscope probe does not measure it yet");
            }
            selected.add(kind);
        }
        double perSecond;
        if (rate.trim().toLowerCase(Locale.ROOT).equals("max")) {
            perSecond = 0;
        } else {
            try {
                perSecond = Double.parseDouble(rate.trim());
            } catch (NumberFormatException e) {
                throw invalid("--rate", "'" + rate + "' is not a number of probes per second, or max");
            }
            if (!(perSecond >= 0.1 && perSecond <= 1_000_000)) {
                throw invalid("--rate", rate + " is outside 0.1 to 1000000");
            }
        }
        if (connections < 1 || connections > 10_000) {
            throw invalid("--connections", connections + " is outside 1 to 10000");
        }
        if (duration.compareTo(Duration.ofMillis(100)) < 0 || duration.compareTo(Duration.ofDays(7)) > 0) {
            throw invalid("--duration", DurationConverter.format(duration) + " is outside 100ms to 7 days");
        }
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw invalid("--timeout", DurationConverter.format(timeout) + " is outside 1ms to 60s");
        }
        if (warmup < 0) {
            throw invalid("--warmup", warmup + " is negative");
        }
        URI report = reportTo == null ? null : httpUrl("--report-to", reportTo);
        Load direction = Load.IDLE;
        if (load != null) {
            direction = Load.fromWireName(load.trim());
            if (direction == null || direction == Load.IDLE) {
                throw invalid("--load", "'" + load + "' is not a direction (download, upload, both)");
            }
            if (!selected.contains(ProbeKind.HTTP_HEAD)) {
                throw invalid("--load", "needs http_head in --kinds: it is RPM's self probe (docs/load.md)");
            }
        }
        if (loadInterval.toMillis() % 1000 != 0 || loadInterval.toSeconds() < 1 || loadInterval.toSeconds() > 10) {
            throw invalid("--load-interval", DurationConverter.format(loadInterval) + " is not a whole number of seconds from 1s to 10s");
        }
        Duration shortest = loadInterval.multipliedBy(8);
        Duration phase = loadDuration == null ? loadInterval.multipliedBy(16) : loadDuration;
        if (phase.compareTo(shortest) < 0 || phase.compareTo(Duration.ofHours(1)) > 0) {
            throw invalid("--load-duration", DurationConverter.format(phase) + " is outside " + DurationConverter.format(shortest)
                    + " to 1h (8 intervals of --load-interval: the draft's goodput test alone needs 7)");
        }
        return new ProbeOptions(target, selected, perSecond, connections, duration, timeout, warmup, report, hlog,
                http11, tlsTrust.trust(), direction, phase, loadInterval);
    }

    private URI httpUrl(String what, String value) {
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(what, "'" + value + "' is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw invalid(what, "'" + value + "' must be an http:// or https:// URL with a host");
        }
        return uri;
    }

    private CommandLine.ParameterException invalid(String option, String problem) {
        String name = option.startsWith("--") ? "option '" + option + "'" : option;
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for " + name + ": " + problem);
    }
}
