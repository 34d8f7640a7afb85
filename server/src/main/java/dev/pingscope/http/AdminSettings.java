package dev.pingscope.http;

import dev.pingscope.config.Check;
import java.time.Duration;

/**
 * Where operators reach the instance, and how long it may take to stop (docs/operations.md).
 *
 * @param host          address of the admin port (--admin-host)
 * @param port          a port of its own for /metrics, /healthz, /readyz and the token-guarded results endpoints;
 *                      0: they are served on the main port (--admin-port)
 * @param shutdownGrace the most a graceful shutdown may take before the process exits (--shutdown-grace)
 */
public record AdminSettings(String host, int port, Duration shutdownGrace) {
    public AdminSettings {
        Check.text("--admin-host", host);
        Check.range("--admin-port", port, 0, 65_535);
        Check.range("--shutdown-grace", shutdownGrace, Duration.ofMillis(100), Duration.ofMinutes(10));
    }

    public static AdminSettings defaults() {
        return new AdminSettings("127.0.0.1", 0, Duration.ofSeconds(10));
    }
}
