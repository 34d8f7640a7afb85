package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import dev.pingscope.http.HttpSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The main listener's options: {@link HttpSettings}. */
final class HttpOptions {
    @Option(names = "--host", paramLabel = "ADDR",
            description = "Address to listen on.%n  env PINGSCOPE_HOST, default ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port to listen on (0: any free port).%n  env PINGSCOPE_PORT, default ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "Name of this instance, sent in the X-Pingscope-Instance header.%n  env PINGSCOPE_INSTANCE, default: the host name")
    String instance;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "CIDR",
            description = "Load balancers (addresses or CIDR blocks) whose X-Forwarded-For names the client, for per-client limits.%n  env PINGSCOPE_TRUSTED_PROXIES, default: none (the direct peer is the client)")
    List<String> trustedProxies;

    @Option(names = "--request-header-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A new connection must send a whole request head within this long (stops slowloris clients).%n  env PINGSCOPE_REQUEST_HEADER_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration requestHeaderTimeout;

    @Option(names = "--body-deadline", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A sample batch's or a save's body must be in within this long of its head (1s to 10m); later: 408 and the"
                    + " connection closed.%n  env PINGSCOPE_BODY_DEADLINE, default ${DEFAULT-VALUE}")
    Duration bodyDeadline;

    @Option(names = "--body-min-rate", paramLabel = "BYTES_PER_SECOND",
            description = "The least any request body, uploads too, must deliver per second, over each 2 s; slower: 408 and the"
                    + " connection closed (stops trickling clients).%n  env PINGSCOPE_BODY_MIN_RATE, default ${DEFAULT-VALUE}")
    long bodyMinRate;

    HttpSettings settings() {
        String name = instance == null || instance.isBlank() ? HttpSettings.defaults().instance() : instance.trim();
        return new HttpSettings(host, port, name, trustedProxies == null ? List.of() : trustedProxies, requestHeaderTimeout,
                bodyDeadline, bodyMinRate);
    }

    static void putDefaults(Map<String, String> values) {
        HttpSettings d = HttpSettings.defaults();
        values.put("--host", d.host());
        values.put("--port", Integer.toString(d.port()));
        values.put("--request-header-timeout", DurationText.format(d.requestHeaderTimeout()));
        values.put("--body-deadline", DurationText.format(d.bodyDeadline()));
        values.put("--body-min-rate", Long.toString(d.bodyMinBytesPerSecond()));
    }
}
