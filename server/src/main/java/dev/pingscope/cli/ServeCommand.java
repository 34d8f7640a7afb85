package dev.pingscope.cli;

import dev.pingscope.DurationText;
import dev.pingscope.InvalidConfigException;
import dev.pingscope.PingscopeServer;
import dev.pingscope.ServerConfig;
import dev.pingscope.sample.Sites;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR",
            description = "Address to listen on.%n  env PINGSCOPE_HOST, default ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port to listen on (0: any free port).%n  env PINGSCOPE_PORT, default ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "Name of this instance, sent in the X-Pingscope-Instance header.%n  env PINGSCOPE_INSTANCE, default: the host name")
    String instance;

    @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins (https://example.com) whose pages may probe and report; * allows any.%n  env PINGSCOPE_ALLOWED_ORIGINS, default ${DEFAULT-VALUE}")
    List<String> allowedOrigins;

    @Option(names = "--sites", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins of pages that embed pingscope, each given its own site label in /metrics"
                    + " (at most " + Sites.MAX_LISTED + "). Samples from pages on other origins count as site other, from"
                    + " pingscope's own page as direct.%n  env PINGSCOPE_SITES, default: none")
    List<String> sites;

    @Option(names = "--region", paramLabel = "NAME",
            description = "This instance's region (1 to 32 letters, digits or . _ -): the region label of its metrics, and in"
                    + " /api/stats and /api/servers."
                    + "%n  env PINGSCOPE_REGION, default ${DEFAULT-VALUE}")
    String region;

    @Option(names = "--servers", paramLabel = "FILE",
            description = "JSON file listing pingscope servers, [{\"name\": ..., \"region\": ..., \"url\": ...}] (at most "
                    + ServerConfig.Regions.MAX_SERVERS + "), checked at start and served at /api/servers so that pages can pick"
                    + " the nearest or compare regions.%n  env PINGSCOPE_SERVERS, default: none (an empty list)")
    Path servers;

    @Option(names = "--ping-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the server sends a WebSocket PING to each client (100ms to 60s).%n  env PINGSCOPE_PING_INTERVAL, default ${DEFAULT-VALUE}")
    Duration pingInterval;

    @Option(names = "--ping-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A PING with no PONG after this long counts as lost (100ms to 60s).%n  env PINGSCOPE_PING_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration pingTimeout;

    @Option(names = "--report-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Length of a recording interval: how often /api/stats and /metrics are refreshed (100ms to 1h).%n  env PINGSCOPE_REPORT_INTERVAL, default ${DEFAULT-VALUE}")
    Duration reportInterval;

    @Option(names = "--ws-idle-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a WebSocket with no traffic for this long; must exceed --ping-interval.%n  env PINGSCOPE_WS_IDLE_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration wsIdleTimeout;

    @Option(names = "--ws-max-message", paramLabel = "BYTES",
            description = "Largest WebSocket message accepted, in bytes (16 to 1048576).%n  env PINGSCOPE_WS_MAX_MESSAGE, default ${DEFAULT-VALUE}")
    int wsMaxMessageBytes;

    @Option(names = "--max-batch", paramLabel = "SAMPLES",
            description = "Most samples in one intake batch (1 to 100000).%n  env PINGSCOPE_MAX_BATCH, default ${DEFAULT-VALUE}")
    int maxBatchSamples;

    @Option(names = "--max-body", paramLabel = "BYTES",
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

    @Option(names = "--redirect-port", paramLabel = "PORT",
            description = "With TLS: also listen for plain HTTP on this port and redirect every request (308) to HTTPS on --port.%n  env PINGSCOPE_REDIRECT_PORT, default ${DEFAULT-VALUE} (none)")
    int redirectPort;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "CIDR",
            description = "Load balancers (addresses or CIDR blocks) whose X-Forwarded-For names the client, for per-client limits.%n  env PINGSCOPE_TRUSTED_PROXIES, default: none (the direct peer is the client)")
    List<String> trustedProxies;

    @Option(names = "--ws-max-connections", paramLabel = "N",
            description = "Most open WebSockets on this instance; more are refused at the upgrade with 503.%n  env PINGSCOPE_WS_MAX_CONNECTIONS, default ${DEFAULT-VALUE}")
    int wsMaxConnections;

    @Option(names = "--ws-max-per-address", paramLabel = "N",
            description = "Most open WebSockets from one client address; more are refused at the upgrade with 429.%n  env PINGSCOPE_WS_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int wsMaxPerAddress;

    @Option(names = "--ws-max-messages-per-second", paramLabel = "N",
            description = "Most messages one WebSocket may send in a second; more close it with 1008.%n  env PINGSCOPE_WS_MAX_MESSAGES_PER_SECOND, default ${DEFAULT-VALUE}")
    int wsMaxMessagesPerSecond;

    @Option(names = "--ws-max-queued-frames", paramLabel = "N",
            description = "Most frames waiting for a client that does not read; then it is disconnected.%n  env PINGSCOPE_WS_MAX_QUEUED_FRAMES, default ${DEFAULT-VALUE}")
    int wsMaxQueuedFrames;

    @Option(names = "--intake-rate", paramLabel = "PER_SECOND",
            description = "Sample batches one client address may post per second, on average; more get 429.%n  env PINGSCOPE_INTAKE_RATE, default ${DEFAULT-VALUE}")
    double intakeRate;

    @Option(names = "--intake-burst", paramLabel = "N",
            description = "Sample batches one client address may post at once.%n  env PINGSCOPE_INTAKE_BURST, default ${DEFAULT-VALUE}")
    int intakeBurst;

    @Option(names = "--request-header-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A new connection must send a whole request head within this long (stops slowloris clients).%n  env PINGSCOPE_REQUEST_HEADER_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration requestHeaderTimeout;

    @Option(names = "--load-endpoints", arity = "1", paramLabel = "true|false",
            description = "Serve the load endpoints (/load/download, /load/upload, /.well-known/nq) for latency under load; false: they answer 404.%n  env PINGSCOPE_LOAD_ENDPOINTS, default ${DEFAULT-VALUE}")
    boolean loadEndpoints;

    @Option(names = "--load-max-bytes", paramLabel = "BYTES",
            description = "Largest download or upload body (1 MiB to 1 PiB), and the size of a download that names none.%n  env PINGSCOPE_LOAD_MAX_BYTES, default ${DEFAULT-VALUE}")
    long loadMaxBytes;

    @Option(names = "--load-max-streams", paramLabel = "N",
            description = "Most concurrent load streams on this instance; more are refused with 503.%n  env PINGSCOPE_LOAD_MAX_STREAMS, default ${DEFAULT-VALUE}")
    int loadMaxStreams;

    @Option(names = "--load-max-per-address", paramLabel = "N",
            description = "Most concurrent load streams from one client address; more are refused with 429.%n  env PINGSCOPE_LOAD_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int loadMaxPerAddress;

    @Option(names = "--admin-host", paramLabel = "ADDR",
            description = "Address for /metrics, /healthz and /readyz when --admin-port is set.%n  env PINGSCOPE_ADMIN_HOST, default ${DEFAULT-VALUE}")
    String adminHost;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Serve /metrics, /healthz and /readyz on this port, and /metrics no longer on --port (0: all on --port);"
                    + " GET /api/results and /api/results/merged are served on both ports, only with --admin-token.%n  env PINGSCOPE_ADMIN_PORT, default ${DEFAULT-VALUE}")
    int adminPort;

    @Option(names = "--shutdown-grace", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM: /readyz turns 503 (and a quarter of this, at most 2s, lets balancers notice), WebSockets get 1001, the last interval is recorded; the process exits within this long.%n  env PINGSCOPE_SHUTDOWN_GRACE, default ${DEFAULT-VALUE}")
    Duration shutdownGrace;

    @Option(names = "--hlog-dir", paramLabel = "DIR",
            description = "Append every interval histogram to HdrHistogram logs here and restore the totals from them at start.%n  env PINGSCOPE_HLOG_DIR, default: none (totals start at zero)")
    Path hlogDir;

    @Option(names = "--results", arity = "0..1", fallbackValue = "true", paramLabel = "BOOLEAN",
            description = "Keep saved results (POST /api/results, the /r/ID share pages); false: store nothing, those endpoints answer 404.%n  env PINGSCOPE_RESULTS, default ${DEFAULT-VALUE}")
    boolean results;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the default results database (results.db, SQLite), created if missing.%n  env PINGSCOPE_DATA_DIR, default ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "Where saved results are stored: jdbc:postgresql://HOST/DB (instances behind one balancer share it) or jdbc:sqlite:FILE;"
                    + " the password comes from PINGSCOPE_DATABASE_PASSWORD.%n  env PINGSCOPE_DATABASE_URL, default: results.db in --data-dir")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER",
            description = "Database user for --database-url.%n  env PINGSCOPE_DATABASE_USER, default: none")
    String databaseUser;

    @Option(names = "--results-retention", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Saved results older than this are deleted by an hourly purge (1h to 36500d).%n  env PINGSCOPE_RESULTS_RETENTION, default ${DEFAULT-VALUE}")
    Duration resultsRetention;

    @Option(names = "--results-rate", paramLabel = "PER_MINUTE",
            description = "Results one client address may save per minute; more get 429.%n  env PINGSCOPE_RESULTS_RATE, default ${DEFAULT-VALUE}")
    int resultsRate;

    @Option(names = "--results-max-body", paramLabel = "BYTES",
            description = "Largest save request body, in bytes (1024 to 16777216).%n  env PINGSCOPE_RESULTS_MAX_BODY, default ${DEFAULT-VALUE}")
    int resultsMaxBody;

    @Option(names = "--results-client-address", paramLabel = "none|truncated",
            description = "What a saved result keeps of the client's address: none, or truncated to /24 (IPv4) or /48 (IPv6).%n  env PINGSCOPE_RESULTS_CLIENT_ADDRESS, default ${DEFAULT-VALUE}")
    String resultsClientAddress;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Bearer token for the operators' GET /api/results and /api/results/merged, on --port and --admin-port alike"
                    + " (at least 16 characters); prefer the environment variable.%n  env PINGSCOPE_ADMIN_TOKEN, default: none (no port serves them)")
    String adminToken;

    /** The process environment (for PINGSCOPE_TLS_PASSWORD and PINGSCOPE_DATABASE_PASSWORD), set by {@link Cli}. */
    Map<String, String> environment = Map.of();

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        ServerConfig config = toConfig();
        PrintWriter out = spec.commandLine().getOut();
        PingscopeServer server;
        try {
            server = PingscopeServer.create(config);
        } catch (IllegalArgumentException e) {
            // e.g. a --data-dir that cannot be created: one line, like every other configuration error
            spec.commandLine().getErr().println("pingscope: cannot set up saved results: " + rootMessage(e));
            return 1;
        }
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

    /** Builds the configuration, which checks every value; a bad value throws a ParameterException naming its option. */
    ServerConfig toConfig() {
        try {
            String name = instance == null || instance.isBlank() ? ServerConfig.defaults().instance() : instance.trim();
            ServerConfig.Limits limits = new ServerConfig.Limits(wsMaxConnections, wsMaxPerAddress, wsMaxMessagesPerSecond,
                    wsMaxQueuedFrames, intakeRate, intakeBurst, requestHeaderTimeout);
            ServerConfig.Operations operations = new ServerConfig.Operations(adminHost, adminPort, shutdownGrace, hlogDir);
            ServerConfig.Results resultsConfig = new ServerConfig.Results(results, dataDir, databaseUrl, databaseUser,
                    environment.get("PINGSCOPE_DATABASE_PASSWORD"), resultsRetention, resultsRate, resultsMaxBody,
                    resultsClientAddress == null ? null : resultsClientAddress.trim(), adminToken);
            ServerConfig.LoadLimits load = new ServerConfig.LoadLimits(loadEndpoints, loadMaxBytes, loadMaxStreams,
                    loadMaxPerAddress);
            ServerConfig.Regions regions = ServerConfig.Regions.read(region == null ? null : region.trim(), servers);
            return new ServerConfig(host, port, name, allowedOrigins, listOrEmpty(sites), pingInterval, pingTimeout,
                    reportInterval, wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls(), redirectPort,
                    listOrEmpty(trustedProxies), limits, operations, resultsConfig, load, regions);
        } catch (InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Every server option's default, as its text on the command line would be: taken from
     * {@link ServerConfig#defaults()}, the one place defaults are written, for help and for options not given.
     */
    static Map<String, String> defaultValues() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig.Limits l = d.limits();
        ServerConfig.Operations o = d.operations();
        Map<String, String> values = new HashMap<>();
        values.put("--host", d.host());
        values.put("--port", Integer.toString(d.port()));
        values.put("--allowed-origins", String.join(",", d.allowedOrigins()));
        values.put("--region", d.regions().region());
        values.put("--ping-interval", DurationText.format(d.pingInterval()));
        values.put("--ping-timeout", DurationText.format(d.pingTimeout()));
        values.put("--report-interval", DurationText.format(d.reportInterval()));
        values.put("--ws-idle-timeout", DurationText.format(d.wsIdleTimeout()));
        values.put("--ws-max-message", Integer.toString(d.wsMaxMessageBytes()));
        values.put("--max-batch", Integer.toString(d.maxBatchSamples()));
        values.put("--max-body", Integer.toString(d.maxBodyBytes()));
        values.put("--redirect-port", Integer.toString(d.redirectPort()));
        values.put("--ws-max-connections", Integer.toString(l.wsMaxConnections()));
        values.put("--ws-max-per-address", Integer.toString(l.wsMaxPerAddress()));
        values.put("--ws-max-messages-per-second", Integer.toString(l.wsMaxMessagesPerSecond()));
        values.put("--ws-max-queued-frames", Integer.toString(l.wsMaxQueuedFrames()));
        values.put("--intake-rate", BigDecimal.valueOf(l.intakeBatchesPerSecond()).stripTrailingZeros().toPlainString());
        values.put("--intake-burst", Integer.toString(l.intakeBurst()));
        values.put("--request-header-timeout", DurationText.format(l.requestHeaderTimeout()));
        values.put("--load-endpoints", Boolean.toString(d.load().enabled()));
        values.put("--load-max-bytes", Long.toString(d.load().maxBytes()));
        values.put("--load-max-streams", Integer.toString(d.load().maxStreams()));
        values.put("--load-max-per-address", Integer.toString(d.load().maxPerAddress()));
        values.put("--admin-host", o.adminHost());
        values.put("--admin-port", Integer.toString(o.adminPort()));
        values.put("--shutdown-grace", DurationText.format(o.shutdownGrace()));
        ServerConfig.Results r = d.results();
        values.put("--results", Boolean.toString(r.enabled()));
        values.put("--data-dir", r.dataDir().toString());
        values.put("--results-retention", DurationText.format(r.retention()));
        values.put("--results-rate", Integer.toString(r.savesPerMinute()));
        values.put("--results-max-body", Integer.toString(r.maxBodyBytes()));
        values.put("--results-client-address", r.clientAddress());
        return values;
    }

    private static List<String> listOrEmpty(List<String> values) {
        return values == null ? List.of() : values;
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
