package dev.pingscope;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.results.ResultsSettings;
import dev.pingscope.load.LoadSettings;
import dev.pingscope.sample.Sites;
import dev.pingscope.servers.ListedServer;
import dev.pingscope.servers.ServerListFile;
import dev.pingscope.tls.TlsSettings;
import dev.pingscope.websocket.WebSocketSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a pingscope server is configured with. Built by the command line (see {@code cli.ServeCommand})
 * or directly by a program; {@link #defaults()} gives the documented defaults, the only place they are
 * written. Every record here checks itself when built: a value that cannot work throws an
 * {@link InvalidConfigException} naming its option, the same one-line error the command line prints.
 *
 * @param host             address to bind, e.g. 0.0.0.0
 * @param port             TCP port, 0 for any free port
 * @param instance         name of this instance, sent in the X-Pingscope-Instance header and in /api/stats
 * @param allowedOrigins   origins allowed to probe and report from another site; a single "*" allows any
 * @param sites            origins of embedding pages whose browser samples get a site label of their own
 * @param pingInterval     how often the server sends a WebSocket PING to each client (100 ms to 60 s)
 * @param pingTimeout      a PING with no PONG after this long counts as lost
 * @param reportInterval   how often interval histograms are taken from the recorders
 * @param wsIdleTimeout    a WebSocket from which nothing arrives for this long is closed (longer than pingInterval)
 * @param wsMaxMessageBytes largest WebSocket message accepted
 * @param maxBatchSamples  most samples in one intake batch
 * @param maxBodyBytes     largest intake request body
 * @param tls              the key and certificate for HTTPS (HTTP/2 and HTTP/1.1, wss:) on the port, or null for plain HTTP
 * @param redirectPort     with tls: a plain-HTTP port whose every request is redirected (308) to HTTPS; 0 for none
 * @param trustedProxies   addresses or CIDR blocks of load balancers whose X-Forwarded-For is believed
 * @param limits           per-client and total limits
 * @param operations       admin port, shutdown, durable histograms
 * @param results          saved results: storage, retention and limits (docs/results.md)
 * @param load             the load endpoints (latency under load, docs/load.md) and their caps
 * @param regions          this instance's region and the servers it lists (GET /api/servers, docs/deployment.md)
 */
public record ServerConfig(
        String host,
        int port,
        String instance,
        List<String> allowedOrigins,
        List<String> sites,
        Duration pingInterval,
        Duration pingTimeout,
        Duration reportInterval,
        Duration wsIdleTimeout,
        int wsMaxMessageBytes,
        int maxBatchSamples,
        int maxBodyBytes,
        TlsSettings tls,
        int redirectPort,
        List<String> trustedProxies,
        Limits limits,
        Operations operations,
        Results results,
        LoadLimits load,
        Regions regions) {

    /**
     * Several servers in several regions (docs/deployment.md): this instance's own region, the bounded region
     * label of its metrics, and the servers it lists for clients that pick the nearest one or compare them.
     * A value that cannot work names the file and the entry (counted from 1).
     *
     * @param region      this instance's region (--region): 1 to 32 letters, digits or . _ -
     * @param serversFile the file the list was read from (--servers), named in errors; or null
     * @param servers     the listed servers in file order; each url is stored ending with /
     */
    public record Regions(String region, Path serversFile, List<ListedServer> servers) {
        /** Each listed server costs a client a few probes when it picks the nearest one. */
        public static final int MAX_SERVERS = 100;

        public Regions {
            if (region == null || !ListedServer.REGION.matcher(region).matches()) {
                throw new InvalidConfigException("--region", "'" + ServerListFile.printable(String.valueOf(region))
                        + "' must be 1 to 32 letters, digits or . _ -");
            }
            servers = checkedServers(serversFile == null ? "the server list" : serversFile.toString(),
                    Objects.requireNonNull(servers, "servers"));
        }

        public static Regions defaults() {
            return new Regions("default", null, List.of());
        }

        /**
         * Reads and checks {@code --servers FILE}.
         *
         * @param serversFile the file, or null for no list
         */
        public static Regions read(String region, Path serversFile) {
            if (serversFile == null) {
                return new Regions(region, null, List.of());
            }
            try {
                return new Regions(region, serversFile, ServerListFile.read(serversFile));
            } catch (InvalidConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("--servers", e.getMessage());
            }
        }

        private static List<ListedServer> checkedServers(String file, List<ListedServer> servers) {
            if (servers.size() > MAX_SERVERS) {
                throw new InvalidConfigException("--servers", file + ": entry " + (MAX_SERVERS + 1) + ": more than "
                        + MAX_SERVERS + " servers listed");
            }
            List<ListedServer> checked = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < servers.size(); i++) {
                ListedServer s = servers.get(i);
                String where = file + ": entry " + (i + 1);
                if (!isPrintableName(s.name())) {
                    throw new InvalidConfigException("--servers", where + ": name must be 1 to 64 printable characters,"
                            + " not blank, no spaces at either end");
                }
                where += " (" + s.name() + ")";
                if (!names.add(s.name())) {
                    throw new InvalidConfigException("--servers", where + ": the name is listed twice");
                }
                if (s.region() == null || !ListedServer.REGION.matcher(s.region()).matches()) {
                    throw new InvalidConfigException("--servers", where + ": region '"
                            + ServerListFile.printable(String.valueOf(s.region())) + "' must be 1 to 32 letters, digits or . _ -");
                }
                checked.add(new ListedServer(s.name(), s.region(), baseUrl(where, s.url())));
            }
            return List.copyOf(checked);
        }

        /** 1 to 64 characters, none a control, format, separator or unassigned one; not blank, not padded. */
        private static boolean isPrintableName(String name) {
            if (name == null || name.isBlank() || !name.strip().equals(name)) {
                return false;
            }
            int length = name.codePointCount(0, name.length());
            return length <= 64 && name.codePoints().allMatch(c -> switch (Character.getType(c)) {
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                        Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
                default -> true;
            });
        }

        /** An absolute http or https URL with a host and no user, query or fragment, made to end with /. */
        private static String baseUrl(String where, String url) {
            String problem = where + ": url '" + ServerListFile.printable(String.valueOf(url)) + "' ";
            URI uri;
            try {
                uri = new URI(url == null ? "" : url);
            } catch (URISyntaxException e) {
                throw new InvalidConfigException("--servers", problem + "is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null) {
                throw new InvalidConfigException("--servers", problem + "is not an absolute http or https URL");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new InvalidConfigException("--servers", problem + "must be a base URL: no user, query or fragment");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return scheme + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/");
        }
    }

    /**
     * The load endpoints (/load/download, /load/upload, /.well-known/nq): whether they are served, and how
     * much bandwidth a client may take (docs/load.md).
     *
     * @param enabled       serve them (false: they answer 404)
     * @param maxBytes      largest download or upload body, bytes, and the size of a download that names none
     * @param maxStreams    most concurrent load streams on this instance (more: 503)
     * @param maxPerAddress most concurrent load streams from one client address (more: 429)
     */
    public record LoadLimits(boolean enabled, long maxBytes, int maxStreams, int maxPerAddress) {
        public LoadLimits {
            requireRange("--load-max-bytes", maxBytes, 1L << 20, 1L << 50);
            requireRange("--load-max-streams", maxStreams, 1, 100_000);
            requireRange("--load-max-per-address", maxPerAddress, 1, 100_000);
        }

        /** 8 GiB meets the draft's "at least 8GB" large object; 16 streams each way for one client. */
        public static LoadLimits defaults() {
            return new LoadLimits(true, 8L << 30, 256, 32);
        }
    }

    /**
     * What one instance allows its clients, so that none can take the server for itself.
     *
     * @param wsMaxConnections      most open WebSockets on this instance (more: 503 at upgrade)
     * @param wsMaxPerAddress       most open WebSockets from one client address (more: 429 at upgrade)
     * @param wsMaxMessagesPerSecond most messages a WebSocket may send in one second (more: close 1008)
     * @param wsMaxQueuedFrames     most frames waiting to be written to a client that does not read (more: close)
     * @param intakeBatchesPerSecond batches one client address may post per second, on average (more: 429)
     * @param intakeBurst           batches one client address may post at once
     * @param requestHeaderTimeout  a new connection must have sent a whole request head within this long
     */
    public record Limits(
            int wsMaxConnections,
            int wsMaxPerAddress,
            int wsMaxMessagesPerSecond,
            int wsMaxQueuedFrames,
            double intakeBatchesPerSecond,
            int intakeBurst,
            Duration requestHeaderTimeout) {

        public Limits {
            requireRange("--ws-max-connections", wsMaxConnections, 1, 1_000_000);
            requireRange("--ws-max-per-address", wsMaxPerAddress, 1, 1_000_000);
            requireRange("--ws-max-messages-per-second", wsMaxMessagesPerSecond, 1, 1_000_000);
            requireRange("--ws-max-queued-frames", wsMaxQueuedFrames, 2, 100_000);
            if (!(intakeBatchesPerSecond >= 0.01 && intakeBatchesPerSecond <= 100_000)) {
                throw new InvalidConfigException("--intake-rate", intakeBatchesPerSecond + " is outside 0.01 to 100000");
            }
            requireRange("--intake-burst", intakeBurst, 1, 100_000);
            requireRange("--request-header-timeout", requestHeaderTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
        }

        public static Limits defaults() {
            return new Limits(20_000, 100, 100, 64, 20, 50, Duration.ofSeconds(10));
        }
    }

    /**
     * Where operators reach the instance, and how it stops and keeps its histograms.
     *
     * @param adminHost     address for /metrics, /healthz and /readyz when adminPort is set
     * @param adminPort     a separate port for those (0: serve them on the main port)
     * @param shutdownGrace the most a graceful shutdown may take before the process exits
     * @param hlogDir       where interval histograms are appended and restored from, or null
     */
    public record Operations(String adminHost, int adminPort, Duration shutdownGrace, Path hlogDir) {
        public Operations {
            requireText("--admin-host", adminHost);
            requireRange("--admin-port", adminPort, 0, 65_535);
            requireRange("--shutdown-grace", shutdownGrace, Duration.ofMillis(100), Duration.ofMinutes(10));
            if (hlogDir != null && Files.exists(hlogDir) && !Files.isDirectory(hlogDir)) {
                throw new InvalidConfigException("--hlog-dir", hlogDir + " is not a directory");
            }
        }

        public static Operations defaults() {
            return new Operations("127.0.0.1", 0, Duration.ofSeconds(10), null);
        }
    }

    /**
     * Saved results (docs/results.md): where they are stored, for how long, and who may save how much.
     *
     * @param enabled          false: no storage at all, and the results endpoints answer 404
     * @param dataDir          where the default SQLite database (results.db) lives
     * @param databaseUrl      a jdbc:sqlite: or jdbc:postgresql: URL, or null for results.db in dataDir
     * @param databaseUser     the database user, or null
     * @param databasePassword the database password (PINGSCOPE_DATABASE_PASSWORD only), or null
     * @param retention        results older than this are deleted by the hourly purge
     * @param savesPerMinute   saves one client address may make per minute (more: 429)
     * @param maxBodyBytes     largest save request body
     * @param clientAddress    "none" (nothing kept) or "truncated" (/24 of IPv4, /48 of IPv6)
     * @param adminToken       bearer token for the operators' endpoints on the main port, or null (then only on --admin-port)
     */
    public record Results(
            boolean enabled,
            Path dataDir,
            String databaseUrl,
            String databaseUser,
            String databasePassword,
            Duration retention,
            int savesPerMinute,
            int maxBodyBytes,
            String clientAddress,
            String adminToken) {

        public Results {
            if (dataDir == null) {
                throw new InvalidConfigException("--data-dir", "must be set");
            }
            if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
                throw new InvalidConfigException("--data-dir", dataDir + " is not a directory");
            }
            databaseUrl = blankToNull(databaseUrl);
            if (databaseUrl != null && !databaseUrl.startsWith("jdbc:sqlite:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
                throw new InvalidConfigException("--database-url", "'" + databaseUrl
                        + "' must start with jdbc:sqlite: or jdbc:postgresql:");
            }
            databaseUser = blankToNull(databaseUser);
            databasePassword = blankToNull(databasePassword);
            requireRange("--results-retention", retention, Duration.ofHours(1), Duration.ofDays(36_500));
            requireRange("--results-rate", savesPerMinute, 1, 1_000_000);
            requireRange("--results-max-body", maxBodyBytes, 1024, 16 << 20);
            if (!"none".equals(clientAddress) && !"truncated".equals(clientAddress)) {
                throw new InvalidConfigException("--results-client-address", "'" + clientAddress + "' is not none or truncated");
            }
            adminToken = blankToNull(adminToken);
            if (adminToken != null && adminToken.length() < 16) {
                throw new InvalidConfigException("--admin-token", "must be at least 16 characters (it guards every saved result)");
            }
        }

        public static Results defaults() {
            return new Results(true, Path.of("pingscope-data"), null, null, null, Duration.ofDays(90), 10, 262_144,
                    "none", null);
        }

        /** The database's JDBC URL: --database-url, or the SQLite file results.db in --data-dir. */
        public String jdbcUrl() {
            return databaseUrl != null ? databaseUrl : "jdbc:sqlite:" + dataDir.resolve("results.db");
        }

        public Results withDatabase(String url, String user, String password) {
            return new Results(enabled, dataDir, url, user, password, retention, savesPerMinute, maxBodyBytes,
                    clientAddress, adminToken);
        }

        public Results withDataDir(Path dir) {
            return new Results(enabled, dir, databaseUrl, databaseUser, databasePassword, retention, savesPerMinute,
                    maxBodyBytes, clientAddress, adminToken);
        }

        public Results withLimits(int newSavesPerMinute, int newMaxBodyBytes) {
            return new Results(enabled, dataDir, databaseUrl, databaseUser, databasePassword, retention, newSavesPerMinute,
                    newMaxBodyBytes, clientAddress, adminToken);
        }

        public Results withRetention(Duration newRetention, String newClientAddress, String newAdminToken) {
            return new Results(enabled, dataDir, databaseUrl, databaseUser, databasePassword, newRetention, savesPerMinute,
                    maxBodyBytes, newClientAddress, newAdminToken);
        }

        public Results withEnabled(boolean on) {
            return new Results(on, dataDir, databaseUrl, databaseUser, databasePassword, retention, savesPerMinute,
                    maxBodyBytes, clientAddress, adminToken);
        }

        /** Never prints the password or the admin token. */
        @Override
        public String toString() {
            return "Results[enabled=" + enabled + ", dataDir=" + dataDir + ", databaseUrl=" + jdbcUrl() + ", databaseUser="
                    + databaseUser + ", retention=" + DurationText.format(retention) + ", savesPerMinute=" + savesPerMinute
                    + ", maxBodyBytes=" + maxBodyBytes + ", clientAddress=" + clientAddress + ", adminToken="
                    + (adminToken == null ? "none" : "set") + "]";
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.trim();
        }
    }

    public ServerConfig {
        requireText("--host", host);
        requireRange("--port", port, 0, 65_535);
        requireText("--instance", instance);
        if (!INSTANCE_NAME.matcher(instance).matches()) {
            throw new InvalidConfigException("--instance", "'" + instance + "' must be 1 to 64 letters, digits or . _ : -");
        }
        allowedOrigins = checkedOrigins(allowedOrigins);
        sites = checkedSites(sites, allowedOrigins);
        requireRange("--ping-interval", pingInterval, Duration.ofMillis(100), Duration.ofSeconds(60));
        requireRange("--ping-timeout", pingTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
        requireRange("--report-interval", reportInterval, Duration.ofMillis(100), Duration.ofHours(1));
        requireRange("--ws-idle-timeout", wsIdleTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        if (wsIdleTimeout.compareTo(pingInterval) <= 0) {
            throw new InvalidConfigException("--ws-idle-timeout", DurationText.format(wsIdleTimeout)
                    + " must be longer than --ping-interval (" + DurationText.format(pingInterval) + ")");
        }
        requireRange("--ws-max-message", wsMaxMessageBytes, 16, 1 << 20);
        requireRange("--max-batch", maxBatchSamples, 1, 100_000);
        requireRange("--max-body", maxBodyBytes, 64, 16 << 20);
        requireRange("--redirect-port", redirectPort, 0, 65_535);
        trustedProxies = checkedProxies(trustedProxies);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(regions, "regions");
        if (redirectPort != 0 && tls == null) {
            throw new InvalidConfigException("--redirect-port", "redirects to HTTPS, so it needs --tls-keystore or --tls-self-signed");
        }
        if (redirectPort != 0 && (redirectPort == port || redirectPort == operations.adminPort())) {
            throw new InvalidConfigException("--redirect-port", redirectPort + " is already --port or --admin-port");
        }
    }

    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** Trimmed, blanks dropped; each "*" or an origin; at least one. */
    private static List<String> checkedOrigins(List<String> origins) {
        List<String> trimmed = Objects.requireNonNull(origins, "allowedOrigins").stream()
                .map(String::trim).filter(o -> !o.isEmpty()).toList();
        for (String origin : trimmed) {
            if (!origin.equals("*") && !Sites.ORIGIN.matcher(origin).matches()) {
                throw new InvalidConfigException("--allowed-origins",
                        "'" + origin + "' is not an origin (write it like https://example.com, no path)");
            }
        }
        if (trimmed.isEmpty()) {
            throw new InvalidConfigException("--allowed-origins", "must name at least one origin, or *");
        }
        return trimmed;
    }

    /** Normalized; each a valid origin, listed once, within the limit, and allowed to report at all. */
    private static List<String> checkedSites(List<String> sites, List<String> allowed) {
        List<String> listed = Objects.requireNonNull(sites, "sites").stream()
                .filter(s -> !s.isBlank()).map(Sites::normalize).toList();
        try {
            Sites.of(listed);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--sites", e.getMessage());
        }
        if (!allowed.contains("*")) {
            List<String> allowedNormalized = allowed.stream().map(Sites::normalize).toList();
            for (String site : listed) {
                if (!allowedNormalized.contains(site)) {
                    throw new InvalidConfigException("--sites",
                            "'" + site + "' is not in --allowed-origins, so its pages could never report samples");
                }
            }
        }
        return listed;
    }

    private static List<String> checkedProxies(List<String> proxies) {
        List<String> trimmed = Objects.requireNonNull(proxies, "trustedProxies").stream()
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        for (String proxy : trimmed) {
            try {
                ClientAddress.validate(proxy);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("--trusted-proxies", e.getMessage());
            }
        }
        return trimmed;
    }

    private static void requireText(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(option, "must not be empty");
        }
    }

    private static void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(option, value + " is outside " + min + " to " + max);
        }
    }

    private static void requireRange(String option, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new InvalidConfigException(option, "must be set");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(option, DurationText.format(value) + " is outside "
                    + DurationText.format(min) + " to " + DurationText.format(max));
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "0.0.0.0", 7070, defaultInstanceName(), List.of("*"), List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024, 1000, 64 * 1024, null, 0, List.of(), Limits.defaults(), Operations.defaults(), Results.defaults(),
                LoadLimits.defaults(), Regions.defaults());
    }

    public ServerConfig withPort(int newPort) {
        return with(b -> b.port = newPort);
    }

    public ServerConfig withHost(String newHost) {
        return with(b -> b.host = newHost);
    }

    public ServerConfig withAllowedOrigins(List<String> origins) {
        return with(b -> b.allowedOrigins = origins);
    }

    public ServerConfig withInstance(String newInstance) {
        return with(b -> b.instance = newInstance);
    }

    public ServerConfig withSites(List<String> newSites) {
        return with(b -> b.sites = newSites);
    }

    public ServerConfig withIntervals(Duration ping, Duration report) {
        return with(b -> {
            b.pingInterval = ping;
            b.reportInterval = report;
        });
    }

    public ServerConfig withTimeouts(Duration newPingTimeout, Duration newIdleTimeout) {
        return with(b -> {
            b.pingTimeout = newPingTimeout;
            b.wsIdleTimeout = newIdleTimeout;
        });
    }

    public ServerConfig withTls(TlsSettings newTls) {
        return with(b -> b.tls = newTls);
    }

    public ServerConfig withRedirectPort(int newRedirectPort) {
        return with(b -> b.redirectPort = newRedirectPort);
    }

    public ServerConfig withTrustedProxies(List<String> proxies) {
        return with(b -> b.trustedProxies = proxies);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return with(b -> b.limits = newLimits);
    }

    public ServerConfig withOperations(Operations newOperations) {
        return with(b -> b.operations = newOperations);
    }

    public ServerConfig withResults(Results newResults) {
        return with(b -> b.results = newResults);
    }

    public ServerConfig withLoad(LoadLimits newLoad) {
        return with(b -> b.load = newLoad);
    }

    public ServerConfig withRegions(Regions newRegions) {
        return with(b -> b.regions = newRegions);
    }

    /** A copy with the fields the change sets: the one place that lists every field for the with-methods. */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(c.host, c.port, c.instance, c.allowedOrigins, c.sites, c.pingInterval, c.pingTimeout,
                c.reportInterval, c.wsIdleTimeout, c.wsMaxMessageBytes, c.maxBatchSamples, c.maxBodyBytes, c.tls,
                c.redirectPort, c.trustedProxies, c.limits, c.operations, c.results, c.load, c.regions);
    }

    /** The fields of a configuration, changeable while a with-method builds its copy. */
    private static final class Copy {
        String host;
        int port;
        String instance;
        List<String> allowedOrigins;
        List<String> sites;
        Duration pingInterval;
        Duration pingTimeout;
        Duration reportInterval;
        Duration wsIdleTimeout;
        int wsMaxMessageBytes;
        int maxBatchSamples;
        int maxBodyBytes;
        TlsSettings tls;
        int redirectPort;
        List<String> trustedProxies;
        Limits limits;
        Operations operations;
        Results results;
        LoadLimits load;
        Regions regions;

        Copy(ServerConfig c) {
            host = c.host;
            port = c.port;
            instance = c.instance;
            allowedOrigins = c.allowedOrigins;
            sites = c.sites;
            pingInterval = c.pingInterval;
            pingTimeout = c.pingTimeout;
            reportInterval = c.reportInterval;
            wsIdleTimeout = c.wsIdleTimeout;
            wsMaxMessageBytes = c.wsMaxMessageBytes;
            maxBatchSamples = c.maxBatchSamples;
            maxBodyBytes = c.maxBodyBytes;
            tls = c.tls;
            redirectPort = c.redirectPort;
            trustedProxies = c.trustedProxies;
            limits = c.limits;
            operations = c.operations;
            results = c.results;
            load = c.load;
            regions = c.regions;
        }
    }

    /** The /ws endpoint's part of the configuration. */
    public WebSocketSettings webSocket() {
        return new WebSocketSettings(instance, pingInterval, pingTimeout, wsIdleTimeout, wsMaxMessageBytes,
                limits.wsMaxMessagesPerSecond(), limits.wsMaxQueuedFrames(), limits.wsMaxConnections(),
                limits.wsMaxPerAddress());
    }

    /** The saved results' part of the configuration. */
    public ResultsSettings resultsSettings() {
        return new ResultsSettings(results.jdbcUrl(), results.databaseUser(), results.databasePassword(), results.dataDir(),
                results.retention(), results.savesPerMinute(), results.maxBodyBytes(), "truncated".equals(results.clientAddress()),
                results.adminToken(), instance);
    }

    /** The load endpoints' part of the configuration. */
    public LoadSettings loadSettings() {
        return new LoadSettings(load.enabled(), load.maxBytes(), load.maxStreams(), load.maxPerAddress());
    }

    /** "https" with TLS, else "http". */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /**
     * The host name (in a container: its id), so that each replica names itself without configuration; cut
     * to the characters an instance name may hold.
     */
    static String defaultInstanceName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                name = "pingscope";
            }
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9._:-]", "");
        return cleaned.isEmpty() ? "pingscope" : cleaned.substring(0, Math.min(64, cleaned.length()));
    }
}
