package dev.pingscope;

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
 * @param wsIdleTimeout    a WebSocket with no traffic for this long is closed (longer than pingInterval)
 * @param wsMaxMessageBytes largest WebSocket message accepted
 * @param maxBatchSamples  most samples in one intake batch
 * @param maxBodyBytes     largest intake request body
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
        int maxBodyBytes) {

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        sites = List.copyOf(sites);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "0.0.0.0", 7070, defaultInstanceName(), List.of("*"), List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024, 1000, 64 * 1024);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, instance, allowedOrigins, sites, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, instance, allowedOrigins, sites, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    public ServerConfig withAllowedOrigins(List<String> origins) {
        return new ServerConfig(host, port, instance, origins, sites, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    public ServerConfig withInstance(String newInstance) {
        return new ServerConfig(host, port, newInstance, allowedOrigins, sites, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    public ServerConfig withSites(List<String> newSites) {
        return new ServerConfig(host, port, instance, allowedOrigins, newSites, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
    }

    public ServerConfig withIntervals(Duration ping, Duration report) {
        return new ServerConfig(host, port, instance, allowedOrigins, sites, ping, pingTimeout, report,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes);
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
