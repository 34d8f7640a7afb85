package dev.pingscope;

import dev.pingscope.tls.TlsSettings;
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
 * @param pingInterval     how often the server sends a WebSocket PING to each client (100 ms to 60 s)
 * @param pingTimeout      a PING with no PONG after this long counts as lost
 * @param reportInterval   how often interval histograms are taken from the recorders
 * @param wsIdleTimeout    a WebSocket with no traffic for this long is closed (longer than pingInterval)
 * @param wsMaxMessageBytes largest WebSocket message accepted
 * @param maxBatchSamples  most samples in one intake batch
 * @param maxBodyBytes     largest intake request body
 * @param tls              the key and certificate for HTTPS (HTTP/2 and HTTP/1.1, wss:) on the port, or null for plain HTTP
 */
public record ServerConfig(
        String host,
        int port,
        String instance,
        List<String> allowedOrigins,
        Duration pingInterval,
        Duration pingTimeout,
        Duration reportInterval,
        Duration wsIdleTimeout,
        int wsMaxMessageBytes,
        int maxBatchSamples,
        int maxBodyBytes,
        TlsSettings tls) {

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "0.0.0.0", 7070, defaultInstanceName(), List.of("*"),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024, 1000, 64 * 1024, null);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, instance, allowedOrigins, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, instance, allowedOrigins, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls);
    }

    public ServerConfig withAllowedOrigins(List<String> origins) {
        return new ServerConfig(host, port, instance, origins, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls);
    }

    public ServerConfig withIntervals(Duration ping, Duration report) {
        return new ServerConfig(host, port, instance, allowedOrigins, ping, pingTimeout, report,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, tls);
    }

    public ServerConfig withTls(TlsSettings newTls) {
        return new ServerConfig(host, port, instance, allowedOrigins, pingInterval, pingTimeout, reportInterval,
                wsIdleTimeout, wsMaxMessageBytes, maxBatchSamples, maxBodyBytes, newTls);
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
