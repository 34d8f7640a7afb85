package dev.pingscope.http;

import dev.pingscope.config.Check;
import dev.pingscope.config.InvalidConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The main listener (docs/operations.md): where it listens, what this instance is called, which load
 * balancers it believes about the client's address, and how long a client may take to send a request head.
 *
 * @param host                 address to bind, e.g. 0.0.0.0 (--host)
 * @param port                 TCP port, 0 for any free port (--port)
 * @param instance             this instance's name, sent in X-Pingscope-Instance and /api/stats (--instance)
 * @param trustedProxies       addresses or CIDR blocks of load balancers whose X-Forwarded-* is believed (--trusted-proxies)
 * @param requestHeaderTimeout a new connection must have sent a whole request head within this long (--request-header-timeout)
 * @param bodyDeadline         a batch's or a save's body must be in within this long of its head (--body-deadline)
 * @param bodyMinBytesPerSecond the least any request body (uploads too) must deliver per second, over each window of
 *                             {@link BodyLimits#DEFAULT_RATE_WINDOW} (--body-min-rate)
 */
public record HttpSettings(String host, int port, String instance, List<String> trustedProxies, Duration requestHeaderTimeout,
        Duration bodyDeadline, long bodyMinBytesPerSecond) {
    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public HttpSettings {
        Check.text("--host", host);
        Check.range("--port", port, 0, 65_535);
        Check.text("--instance", instance);
        if (!INSTANCE_NAME.matcher(instance).matches()) {
            throw new InvalidConfigException("--instance", "'" + instance + "' must be 1 to 64 letters, digits or . _ : -");
        }
        trustedProxies = checkedProxies(trustedProxies);
        Check.range("--request-header-timeout", requestHeaderTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
        Check.range("--body-deadline", bodyDeadline, Duration.ofSeconds(1), Duration.ofMinutes(10));
        Check.range("--body-min-rate", bodyMinBytesPerSecond, 1, 1L << 30);
    }

    public static HttpSettings defaults() {
        return new HttpSettings("0.0.0.0", 7070, defaultInstanceName(), List.of(), Duration.ofSeconds(10),
                BodyLimits.DEFAULT_DEADLINE, BodyLimits.DEFAULT_MIN_BYTES_PER_SECOND);
    }

    /** The bounds of a batch's or a save's body: the deadline and the rate. */
    public BodyLimits bodyLimits() {
        return new BodyLimits(bodyDeadline, bodyMinBytesPerSecond, BodyLimits.DEFAULT_RATE_WINDOW);
    }

    /** The bounds of an upload stream: the same rate, no total deadline (a large upload may rightly take minutes). */
    public BodyLimits streamingBodyLimits() {
        return new BodyLimits(Duration.ZERO, bodyMinBytesPerSecond, BodyLimits.DEFAULT_RATE_WINDOW);
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
