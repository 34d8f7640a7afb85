package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import dev.pingscope.http.AdminSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The admin port and the shutdown: {@link AdminSettings}. */
final class AdminOptions {
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

    AdminSettings settings() {
        return new AdminSettings(adminHost, adminPort, shutdownGrace);
    }

    static void putDefaults(Map<String, String> values) {
        AdminSettings d = AdminSettings.defaults();
        values.put("--admin-host", d.host());
        values.put("--admin-port", Integer.toString(d.port()));
        values.put("--shutdown-grace", DurationText.format(d.shutdownGrace()));
    }
}
