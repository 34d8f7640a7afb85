package dev.pingscope.cli;

import dev.pingscope.PingscopeServer;
import dev.pingscope.ServerConfig;
import dev.pingscope.http.ClientAddress;
import dev.pingscope.sample.Sites;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS (HTTP/2 and HTTP/1.1) and wss: on --port with the key and certificate in this PKCS12 file;"
                    + " its password comes from PINGSCOPE_TLS_PASSWORD or --tls-password-file.%n  env PINGSCOPE_TLS_KEYSTORE, default: none (plain HTTP)")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE",
            description = "File whose first line is the --tls-keystore password.%n  env PINGSCOPE_TLS_PASSWORD_FILE, default: none")
    Path tlsPasswordFile;

    @Option(names = "--tls-self-signed", arity = "0..1", fallbackValue = "true", defaultValue = "false", paramLabel = "BOOLEAN",
            description = "Serve HTTPS with a certificate for localhost made at start (for local use; browsers will warn).%n  env PINGSCOPE_TLS_SELF_SIGNED, default ${DEFAULT-VALUE}")
    boolean tlsSelfSigned;

    @Option(names = "--redirect-port", defaultValue = "0", paramLabel = "PORT",
            description = "With TLS: also listen for plain HTTP on this port and redirect every request (308) to HTTPS on --port.%n  env PINGSCOPE_REDIRECT_PORT, default ${DEFAULT-VALUE} (none)")
    int redirectPort;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "CIDR",
            description = "Load balancers (addresses or CIDR blocks) whose X-Forwarded-For names the client, for per-client limits.%n  env PINGSCOPE_TRUSTED_PROXIES, default: none (the direct peer is the client)")
    List<String> trustedProxies;

    @Option(names = "--ws-max-connections", defaultValue = "20000", paramLabel = "N",
            description = "Most open WebSockets on this instance; more are refused at the upgrade with 503.%n  env PINGSCOPE_WS_MAX_CONNECTIONS, default ${DEFAULT-VALUE}")
    int wsMaxConnections;

    @Option(names = "--ws-max-per-address", defaultValue = "100", paramLabel = "N",
            description = "Most open WebSockets from one client address; more are refused at the upgrade with 429.%n  env PINGSCOPE_WS_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int wsMaxPerAddress;

    @Option(names = "--ws-max-messages-per-second", defaultValue = "100", paramLabel = "N",
            description = "Most messages one WebSocket may send in a second; more close it with 1008.%n  env PINGSCOPE_WS_MAX_MESSAGES_PER_SECOND, default ${DEFAULT-VALUE}")
    int wsMaxMessagesPerSecond;

    @Option(names = "--ws-max-queued-frames", defaultValue = "64", paramLabel = "N",
            description = "Most frames waiting for a client that does not read; then it is disconnected.%n  env PINGSCOPE_WS_MAX_QUEUED_FRAMES, default ${DEFAULT-VALUE}")
    int wsMaxQueuedFrames;

    @Option(names = "--intake-rate", defaultValue = "20", paramLabel = "PER_SECOND",
            description = "Sample batches one client address may post per second, on average; more get 429.%n  env PINGSCOPE_INTAKE_RATE, default ${DEFAULT-VALUE}")
    double intakeRate;

    @Option(names = "--intake-burst", defaultValue = "50", paramLabel = "N",
            description = "Sample batches one client address may post at once.%n  env PINGSCOPE_INTAKE_BURST, default ${DEFAULT-VALUE}")
    int intakeBurst;

    @Option(names = "--request-header-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A new connection must send a whole request head within this long (stops slowloris clients).%n  env PINGSCOPE_REQUEST_HEADER_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration requestHeaderTimeout;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address for /metrics, /healthz and /readyz when --admin-port is set.%n  env PINGSCOPE_ADMIN_HOST, default ${DEFAULT-VALUE}")
    String adminHost;

    @Option(names = "--admin-port", defaultValue = "0", paramLabel = "PORT",
            description = "Serve /metrics (and /healthz, /readyz) on this port only, not on --port (0: on --port).%n  env PINGSCOPE_ADMIN_PORT, default ${DEFAULT-VALUE}")
    int adminPort;

    @Option(names = "--shutdown-grace", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM: /readyz turns 503 (and a quarter of this, at most 2s, lets balancers notice), WebSockets get 1001, the last interval is recorded; the process exits within this long.%n  env PINGSCOPE_SHUTDOWN_GRACE, default ${DEFAULT-VALUE}")
    Duration shutdownGrace;

    @Option(names = "--hlog-dir", paramLabel = "DIR",
            description = "Append every interval histogram to HdrHistogram logs here and restore the totals from them at start.%n  env PINGSCOPE_HLOG_DIR, default: none (totals start at zero)")
    Path hlogDir;

    /** The process environment (for PINGSCOPE_TLS_PASSWORD), set by {@link Cli}. */
    Map<String, String> environment = Map.of();

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
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(config.operations().shutdownGrace().toMillis());
                    Runtime.getRuntime().halt(1); // the grace period is over: exit whatever is still running
                } catch (InterruptedException e) {
                    // The shutdown finished in time.
                }
            }, "pingscope-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            server.shutdown();
            watchdog.interrupt();
            stopped.countDown();
        }, "pingscope-shutdown"));
        String shownHost = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        out.println("pingscope " + VersionProvider.version() + " (instance " + config.instance() + ") listening on "
                + config.host() + ":" + server.port() + (config.tls() == null ? "" : " with TLS: " + config.tls().description()));
        out.println("Open " + config.scheme() + "://" + shownHost + ":" + server.port() + "/ in a browser. Stop with Ctrl+C.");
        if (server.redirectPort() > 0) {
            out.println("Plain HTTP on port " + server.redirectPort() + " redirects to HTTPS.");
        }
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
        requireRange("--ws-max-connections", wsMaxConnections, 1, 1_000_000);
        requireRange("--ws-max-per-address", wsMaxPerAddress, 1, 1_000_000);
        requireRange("--ws-max-messages-per-second", wsMaxMessagesPerSecond, 1, 1_000_000);
        requireRange("--ws-max-queued-frames", wsMaxQueuedFrames, 2, 100_000);
        if (!(intakeRate >= 0.01 && intakeRate <= 100_000)) {
            throw invalid("--intake-rate", intakeRate + " is outside 0.01 to 100000");
        }
        requireRange("--intake-burst", intakeBurst, 1, 100_000);
        requireRange("--request-header-timeout", requestHeaderTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
        requireRange("--admin-port", adminPort, 0, 65_535);
        requireRange("--redirect-port", redirectPort, 0, 65_535);
        requireRange("--shutdown-grace", shutdownGrace, Duration.ofMillis(100), Duration.ofMinutes(10));
        List<String> proxies = (trustedProxies == null ? List.<String>of() : trustedProxies).stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        for (String proxy : proxies) {
            try {
                ClientAddress.validate(proxy);
            } catch (IllegalArgumentException e) {
                throw invalid("--trusted-proxies", e.getMessage());
            }
        }
        if (hlogDir != null && java.nio.file.Files.exists(hlogDir) && !java.nio.file.Files.isDirectory(hlogDir)) {
            throw invalid("--hlog-dir", hlogDir + " is not a directory");
        }
        ServerConfig.Limits limits = new ServerConfig.Limits(wsMaxConnections, wsMaxPerAddress, wsMaxMessagesPerSecond,
                wsMaxQueuedFrames, intakeRate, intakeBurst, requestHeaderTimeout);
        ServerConfig.Operations operations = new ServerConfig.Operations(adminHost, adminPort, shutdownGrace, hlogDir);
        TlsSettings tls = tls();
        if (redirectPort != 0 && tls == null) {
            throw invalid("--redirect-port", "redirects to HTTPS, so it needs --tls-keystore or --tls-self-signed");
        }
        if (redirectPort != 0 && (redirectPort == port || redirectPort == adminPort)) {
            throw invalid("--redirect-port", redirectPort + " is already --port or --admin-port");
        }
        return new ServerConfig(host, port, name, origins, siteOrigins, pingInterval, pingTimeout, reportInterval, wsIdleTimeout,
                wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls, redirectPort, proxies, limits, operations);
    }

    /** The TLS settings from --tls-keystore (checked now: a missing file or wrong password is a usage error) or --tls-self-signed. */
    private TlsSettings tls() {
        if (tlsKeystore != null && tlsSelfSigned) {
            throw invalid("--tls-self-signed", "cannot be combined with --tls-keystore; choose one");
        }
        if (tlsSelfSigned) {
            return SelfSignedCertificate.create();
        }
        if (tlsKeystore == null) {
            if (tlsPasswordFile != null) {
                throw invalid("--tls-password-file", "is only used with --tls-keystore");
            }
            return null;
        }
        String password;
        if (tlsPasswordFile != null) {
            try {
                password = Files.readAllLines(tlsPasswordFile).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw invalid("--tls-password-file", "cannot read " + tlsPasswordFile);
            }
        } else {
            password = environment.get("PINGSCOPE_TLS_PASSWORD");
            if (password == null) {
                throw invalid("--tls-keystore", "needs its password: set PINGSCOPE_TLS_PASSWORD or --tls-password-file");
            }
        }
        try {
            return TlsSettings.load(tlsKeystore, password, "keystore " + tlsKeystore);
        } catch (IllegalArgumentException e) {
            throw invalid("--tls-keystore", e.getMessage());
        }
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
