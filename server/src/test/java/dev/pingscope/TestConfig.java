package dev.pingscope;

import dev.pingscope.cli.ServeOptions;
import dev.pingscope.config.DurationText;
import dev.pingscope.tls.HttpsSettings;
import dev.pingscope.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test server's configuration, written as the command-line options a user would give (so that a test
 * names each setting as the docs do, and each area's defaults stay the only defaults): {@code
 * TestServer.testConfig().with("--ws-max-per-address", 5)}. A later value of an option replaces an earlier one.
 */
public final class TestConfig {
    private final Map<String, String> options = new LinkedHashMap<>();
    private TlsSettings tls;

    TestConfig() {}

    /** Sets an option, e.g. {@code with("--intake-rate", 100)}; a Duration is written as the command line writes it. */
    public TestConfig with(String option, Object value) {
        options.put(option, value instanceof Duration d ? DurationText.format(d) : String.valueOf(value));
        return this;
    }

    public TestConfig withHost(String host) {
        return with("--host", host);
    }

    public TestConfig withPort(int port) {
        return with("--port", port);
    }

    public TestConfig withInstance(String instance) {
        return with("--instance", instance);
    }

    public TestConfig withAllowedOrigins(List<String> origins) {
        return with("--allowed-origins", String.join(",", origins));
    }

    public TestConfig withSites(List<String> sites) {
        return with("--sites", String.join(",", sites));
    }

    public TestConfig withTrustedProxies(List<String> proxies) {
        return with("--trusted-proxies", String.join(",", proxies));
    }

    public TestConfig withIntervals(Duration ping, Duration report) {
        return with("--ping-interval", ping).with("--report-interval", report);
    }

    public TestConfig withTimeouts(Duration pingTimeout, Duration idleTimeout) {
        return with("--ping-timeout", pingTimeout).with("--ws-idle-timeout", idleTimeout);
    }

    public TestConfig withRedirectPort(int port) {
        return with("--redirect-port", port);
    }

    public TestConfig withDataDir(Path dir) {
        return with("--data-dir", dir);
    }

    /** Limits lifted, for tests that send a lot from one address on purpose. */
    public TestConfig unlimited() {
        return with("--ws-max-per-address", 100_000).with("--ws-max-messages-per-second", 1_000_000)
                .with("--intake-rate", 100_000).with("--intake-burst", 100_000);
    }

    /** HTTPS with this key and certificate (made by the test, so not an option). */
    public TestConfig withTls(TlsSettings settings) {
        this.tls = settings;
        return this;
    }

    public ServerConfig build() {
        List<String> args = new ArrayList<>();
        options.forEach((option, value) -> args.add(option + "=" + value));
        if (tls == null) {
            return ServeOptions.parse(args, Map.of());
        }
        // --redirect-port needs a certificate: parse without it, then set both.
        String redirect = options.getOrDefault("--redirect-port", "0");
        args.removeIf(a -> a.startsWith("--redirect-port="));
        ServerConfig config = ServeOptions.parse(args, Map.of());
        return config.withHttps(new HttpsSettings(tls, Integer.parseInt(redirect)));
    }
}
