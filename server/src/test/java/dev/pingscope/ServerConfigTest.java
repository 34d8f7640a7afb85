package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServerConfig checks itself: a program that builds one directly gets the command line's one-line errors. */
class ServerConfigTest {
    private static final ServerConfig DEFAULTS = ServerConfig.defaults();

    @Test
    void the_defaults_are_valid_and_are_what_the_command_line_uses() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err)).execute("--help");
        String help = out.toString();
        assertTrue(help.contains("default " + DurationText.format(DEFAULTS.pingInterval())), help);
        assertTrue(help.contains("env PINGSCOPE_PORT, default " + DEFAULTS.port()), help);
        assertTrue(help.contains("env PINGSCOPE_WS_MAX_PER_ADDRESS, default " + DEFAULTS.limits().wsMaxPerAddress()), help);
        assertTrue(help.contains("env PINGSCOPE_SHUTDOWN_GRACE, default "
                + DurationText.format(DEFAULTS.operations().shutdownGrace())), help);
    }

    @Test
    void a_zero_ping_interval_cannot_get_in() {
        assertInvalid("--ping-interval", "0ms is outside 100ms to 1m",
                () -> DEFAULTS.withIntervals(Duration.ZERO, DEFAULTS.reportInterval()));
    }

    @Test
    void an_instance_name_with_a_quote_cannot_get_in() {
        assertInvalid("--instance", "must be 1 to 64 letters, digits or . _ : -",
                () -> DEFAULTS.withInstance("eu\",\"x"));
        assertInvalid("--instance", "must not be empty", () -> DEFAULTS.withInstance(" "));
    }

    @Test
    void each_record_checks_its_own_fields() {
        assertInvalid("--port", "70000 is outside 0 to 65535", () -> DEFAULTS.withPort(70_000));
        assertInvalid("--allowed-origins", "'https://shop.example/path' is not an origin",
                () -> DEFAULTS.withAllowedOrigins(List.of("https://shop.example/path")));
        assertInvalid("--sites", "'https://blog.example' is not in --allowed-origins",
                () -> DEFAULTS.withAllowedOrigins(List.of("https://shop.example")).withSites(List.of("https://blog.example")));
        assertInvalid("--trusted-proxies", "10.0.0.0/99",
                () -> DEFAULTS.withTrustedProxies(List.of("10.0.0.0/99")));
        assertInvalid("--ws-idle-timeout", "must be longer than --ping-interval",
                () -> DEFAULTS.withTimeouts(DEFAULTS.pingTimeout(), Duration.ofSeconds(1)));
        assertInvalid("--redirect-port", "needs --tls-keystore or --tls-self-signed", () -> DEFAULTS.withRedirectPort(8080));
        ServerConfig.Limits l = ServerConfig.Limits.defaults();
        assertInvalid("--ws-max-queued-frames", "1 is outside 2 to 100000", () -> new ServerConfig.Limits(
                l.wsMaxConnections(), l.wsMaxPerAddress(), l.wsMaxMessagesPerSecond(), 1, l.intakeBatchesPerSecond(),
                l.intakeBurst(), l.requestHeaderTimeout()));
        assertInvalid("--intake-rate", "0.0 is outside 0.01 to 100000", () -> new ServerConfig.Limits(
                l.wsMaxConnections(), l.wsMaxPerAddress(), l.wsMaxMessagesPerSecond(), l.wsMaxQueuedFrames(), 0,
                l.intakeBurst(), l.requestHeaderTimeout()));
        assertInvalid("--load-max-bytes", "1024 is outside 1048576 to", () -> new ServerConfig.LoadLimits(true, 1024, 256, 32));
        assertInvalid("--load-max-streams", "0 is outside 1 to 100000", () -> new ServerConfig.LoadLimits(true, 8L << 30, 0, 32));
        assertInvalid("--load-max-per-address", "0 is outside 1 to 100000",
                () -> new ServerConfig.LoadLimits(true, 8L << 30, 256, 0));
        ServerConfig.Operations o = ServerConfig.Operations.defaults();
        assertInvalid("--shutdown-grace", "0ms is outside 100ms to 10m",
                () -> new ServerConfig.Operations(o.adminHost(), o.adminPort(), Duration.ZERO, o.hlogDir()));
    }

    @Test
    void an_hlog_dir_that_is_a_file_is_refused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        ServerConfig.Operations o = ServerConfig.Operations.defaults();
        assertInvalid("--hlog-dir", "is not a directory",
                () -> new ServerConfig.Operations(o.adminHost(), o.adminPort(), o.shutdownGrace(), file));
    }

    @Test
    void values_are_normalized_as_the_command_line_would() {
        ServerConfig c = DEFAULTS.withAllowedOrigins(List.of(" https://Shop.example ", "", "https://blog.example"))
                .withSites(List.of("https://SHOP.example", " "));
        assertEquals(List.of("https://Shop.example", "https://blog.example"), c.allowedOrigins());
        assertEquals(List.of("https://shop.example"), c.sites());
    }

    @Test
    void the_command_line_prints_the_same_message_as_the_record_throws() {
        InvalidConfigException direct = assertThrows(InvalidConfigException.class, () -> DEFAULTS.withInstance("a b"));
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("--instance", "a b");
        assertEquals(Cli.USAGE_ERROR, status);
        assertTrue(err.toString().contains(direct.getMessage()), err + " vs " + direct.getMessage());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    private static void assertInvalid(String option, String problem, Supplier<Object> build) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, build::get);
        assertEquals(option, e.option());
        assertTrue(e.getMessage().startsWith("Invalid value for option '" + option + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
