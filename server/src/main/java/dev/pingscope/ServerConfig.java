package dev.pingscope;

import dev.pingscope.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a pingscope server is configured with. Built by the command line (see {@code cli.ServeCommand})
 * or directly by tests; {@link #defaults()} gives the documented defaults.
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
        Operations operations) {

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
        public static Operations defaults() {
            return new Operations("127.0.0.1", 0, Duration.ofSeconds(10), null);
        }
    }

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        sites = List.copyOf(sites);
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "0.0.0.0", 7070, defaultInstanceName(), List.of("*"), List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024, 1000, 64 * 1024, null, 0, List.of(), Limits.defaults(), Operations.defaults());
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

    /** A copy with the fields the change sets: the one place that lists every field for the with-methods. */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(c.host, c.port, c.instance, c.allowedOrigins, c.sites, c.pingInterval, c.pingTimeout,
                c.reportInterval, c.wsIdleTimeout, c.wsMaxMessageBytes, c.maxBatchSamples, c.maxBodyBytes, c.tls,
                c.redirectPort, c.trustedProxies, c.limits, c.operations);
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
        }
    }

    /** "https" with TLS, else "http". */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The host name (in a container: its id), so that each replica names itself without configuration. */
    static String defaultInstanceName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "pingscope";
        }
    }
}
