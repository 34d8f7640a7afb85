package dev.pingscope.cli;

import dev.pingscope.PingscopeServer;
import dev.pingscope.ServerConfig;
import dev.pingscope.recording.Sites;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pingscope [options]}: starts the server and runs until stopped. */
@Command(
        name = "pingscope",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Measures round-trip time from browsers by HTTP HEAD and by WebSocket, side by side.",
            "Starts the server and prints the URL to open. Every option can also be set by the",
            "environment variable named after it; the command line wins."
        })
public final class ServeCommand implements Callable<Integer> {
    static final ServerConfig DEFAULTS = ServerConfig.defaults();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDR",
            description = "Address to listen on.%n  env PINGSCOPE_HOST, default ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "7070", paramLabel = "PORT",
            description = "TCP port to listen on (0: any free port).%n  env PINGSCOPE_PORT, default ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "Name of this instance, sent in the X-Pingscope-Instance header.%n  env PINGSCOPE_INSTANCE, default: the host name")
    String instance;

    @Option(names = "--allowed-origins", defaultValue = "*", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins (https://example.com) whose pages may probe and report; * allows any.%n  env PINGSCOPE_ALLOWED_ORIGINS, default ${DEFAULT-VALUE}")
    List<String> allowedOrigins;

    @Option(names = "--sites", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins of pages that embed pingscope, each given its own site label in /metrics"
                    + " (at most " + Sites.MAX_LISTED + "). Samples from pages on other origins count as site other, from"
                    + " pingscope's own page as direct.%n  env PINGSCOPE_SITES, default: none")
    List<String> sites;

    @Option(names = "--ping-interval", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the server sends a WebSocket PING to each client (100ms to 60s).%n  env PINGSCOPE_PING_INTERVAL, default ${DEFAULT-VALUE}")
    Duration pingInterval;

    @Option(names = "--ping-timeout", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A PING with no PONG after this long counts as lost (100ms to 60s).%n  env PINGSCOPE_PING_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration pingTimeout;

    @Option(names = "--report-interval", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Length of a recording interval: how often /api/stats and /metrics are refreshed (100ms to 1h).%n  env PINGSCOPE_REPORT_INTERVAL, default ${DEFAULT-VALUE}")
    Duration reportInterval;

    @Option(names = "--ws-idle-timeout", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a WebSocket with no traffic for this long; must exceed --ping-interval.%n  env PINGSCOPE_WS_IDLE_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration wsIdleTimeout;

    @Option(names = "--ws-max-message", defaultValue = "1024", paramLabel = "BYTES",
            description = "Largest WebSocket message accepted, in bytes (16 to 1048576).%n  env PINGSCOPE_WS_MAX_MESSAGE, default ${DEFAULT-VALUE}")
    int wsMaxMessageBytes;

    @Option(names = "--max-batch", defaultValue = "1000", paramLabel = "SAMPLES",
            description = "Most samples in one intake batch (1 to 100000).%n  env PINGSCOPE_MAX_BATCH, default ${DEFAULT-VALUE}")
    int maxBatchSamples;

    @Option(names = "--max-body", defaultValue = "65536", paramLabel = "BYTES",
            description = "Largest intake request body, in bytes (64 to 16777216).%n  env PINGSCOPE_MAX_BODY, default ${DEFAULT-VALUE}")
    int maxBodyBytes;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        ServerConfig config = toConfig();
        PrintWriter out = spec.commandLine().getOut();
        PingscopeServer server = PingscopeServer.create(config);
        try {
            server.start();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("pingscope: cannot listen on " + config.host() + ":" + config.port()
                    + ": " + rootMessage(e));
            server.stop();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "pingscope-shutdown"));
        String shownHost = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        out.println("pingscope " + VersionProvider.version() + " (instance " + config.instance() + ") listening on "
                + config.host() + ":" + server.port());
        out.println("Open http://" + shownHost + ":" + server.port() + "/ in a browser. Stop with Ctrl+C.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Checks every value and builds the configuration; a bad value throws a ParameterException naming its option. */
    ServerConfig toConfig() {
        requireRange("--port", port, 0, 65_535);
        requireRange("--ping-interval", pingInterval, Duration.ofMillis(100), Duration.ofSeconds(60));
        requireRange("--ping-timeout", pingTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
        requireRange("--report-interval", reportInterval, Duration.ofMillis(100), Duration.ofHours(1));
        requireRange("--ws-idle-timeout", wsIdleTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        if (wsIdleTimeout.compareTo(pingInterval) <= 0) {
            throw invalid("--ws-idle-timeout", DurationConverter.format(wsIdleTimeout)
                    + " must be longer than --ping-interval (" + DurationConverter.format(pingInterval) + ")");
        }
        requireRange("--ws-max-message", wsMaxMessageBytes, 16, 1 << 20);
        requireRange("--max-batch", maxBatchSamples, 1, 100_000);
        requireRange("--max-body", maxBodyBytes, 64, 16 << 20);
        if (host.isBlank()) {
            throw invalid("--host", "must not be empty");
        }
        List<String> origins = allowedOrigins.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String origin : origins) {
            if (!origin.equals("*") && !Sites.ORIGIN.matcher(origin).matches()) {
                throw invalid("--allowed-origins", "'" + origin + "' is not an origin (write it like https://example.com, no path)");
            }
        }
        if (origins.isEmpty()) {
            throw invalid("--allowed-origins", "must name at least one origin, or *");
        }
        List<String> siteOrigins = checkedSites(origins);
        String name = instance == null || instance.isBlank() ? DEFAULTS.instance() : instance.trim();
        if (!name.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw invalid("--instance", "'" + name + "' must be 1 to 64 letters, digits or . _ : -");
        }
        return new ServerConfig(host, port, name, origins, siteOrigins, pingInterval, pingTimeout, reportInterval, wsIdleTimeout,
                wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    /** The --sites origins, normalized; each must be an origin whose pages may report (see --allowed-origins). */
    private List<String> checkedSites(List<String> allowed) {
        List<String> listed = sites == null ? List.of()
                : sites.stream().filter(s -> !s.isBlank()).map(Sites::normalize).toList();
        try {
            Sites.of(listed);
        } catch (IllegalArgumentException e) {
            throw invalid("--sites", e.getMessage());
        }
        if (!allowed.contains("*")) {
            List<String> allowedNormalized = allowed.stream().map(Sites::normalize).toList();
            for (String site : listed) {
                if (!allowedNormalized.contains(site)) {
                    throw invalid("--sites", "'" + site + "' is not in --allowed-origins, so its pages could never report samples");
                }
            }
        }
        return listed;
    }

    private void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(option, value + " is outside " + min + " to " + max);
        }
    }

    private void requireRange(String option, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(option, DurationConverter.format(value) + " is outside "
                    + DurationConverter.format(min) + " to " + DurationConverter.format(max));
        }
    }

    private CommandLine.ParameterException invalid(String option, String problem) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

}
