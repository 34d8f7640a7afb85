package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.cli.Cli;
import dev.pingscope.config.DurationText;
import dev.pingscope.config.InvalidConfigException;
import dev.pingscope.http.AdminSettings;
import dev.pingscope.http.HttpSettings;
import dev.pingscope.http.OriginSettings;
import dev.pingscope.intake.IntakeSettings;
import dev.pingscope.load.LoadSettings;
import dev.pingscope.recording.RecordingSettings;
import dev.pingscope.tls.HttpsSettings;
import dev.pingscope.tls.TlsSettings;
import dev.pingscope.websocket.WebSocketSettings;
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

/**
 * Each area's settings record checks itself, and ServerConfig the rules that span areas: a program that builds
 * one directly gets the command line's one-line errors.
 */
class ServerConfigTest {
    private static final ServerConfig DEFAULTS = ServerConfig.defaults();

    @Test
    void the_defaults_are_valid_and_are_what_the_command_line_uses() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err)).execute("--help");
        String help = out.toString();
        assertTrue(help.contains("default " + DurationText.format(DEFAULTS.webSocket().pingInterval())), help);
        assertTrue(help.contains("env PINGSCOPE_PORT, default " + DEFAULTS.http().port()), help);
        assertTrue(help.contains("env PINGSCOPE_WS_MAX_PER_ADDRESS, default " + DEFAULTS.webSocket().maxPerAddress()), help);
        assertTrue(help.contains("env PINGSCOPE_SHUTDOWN_GRACE, default "
                + DurationText.format(DEFAULTS.admin().shutdownGrace())), help);
    }

    @Test
    void a_zero_ping_interval_cannot_get_in() {
        WebSocketSettings d = WebSocketSettings.defaults();
        assertInvalid("--ping-interval", "0ms is outside 100ms to 1m", () -> new WebSocketSettings(Duration.ZERO,
                d.pingTimeout(), d.idleTimeout(), d.maxMessageBytes(), d.maxMessagesPerSecond(), d.maxQueuedFrames(),
                d.maxConnections(), d.maxPerAddress(), d.minPingInterval()));
    }

    @Test
    void an_instance_name_with_a_quote_cannot_get_in() {
        assertInvalid("--instance", "must be 1 to 64 letters, digits or . _ : -", () -> http("eu\",\"x", 7070, List.of()));
        assertInvalid("--instance", "must not be empty", () -> http(" ", 7070, List.of()));
    }

    @Test
    void each_record_checks_its_own_fields() {
        assertInvalid("--port", "70000 is outside 0 to 65535", () -> http("a", 70_000, List.of()));
        assertInvalid("--allowed-origins", "'https://shop.example/path' is not an origin",
                () -> new OriginSettings(List.of("https://shop.example/path"), List.of()));
        assertInvalid("--sites", "'https://blog.example' is not in --allowed-origins",
                () -> new OriginSettings(List.of("https://shop.example"), List.of("https://blog.example")));
        assertInvalid("--trusted-proxies", "10.0.0.0/99", () -> http("a", 7070, List.of("10.0.0.0/99")));
        WebSocketSettings w = WebSocketSettings.defaults();
        assertInvalid("--ws-idle-timeout", "must be longer than --ping-interval", () -> new WebSocketSettings(
                Duration.ofSeconds(1), w.pingTimeout(), Duration.ofSeconds(1), w.maxMessageBytes(), w.maxMessagesPerSecond(),
                w.maxQueuedFrames(), w.maxConnections(), w.maxPerAddress(), w.minPingInterval()));
        assertInvalid("--ws-max-queued-frames", "1 is outside 2 to 100000", () -> new WebSocketSettings(w.pingInterval(),
                w.pingTimeout(), w.idleTimeout(), w.maxMessageBytes(), w.maxMessagesPerSecond(), 1, w.maxConnections(),
                w.maxPerAddress(), w.minPingInterval()));
        assertInvalid("--ws-min-ping-interval", "2s must not be longer than --ping-interval (1s)", () -> new WebSocketSettings(
                w.pingInterval(), w.pingTimeout(), w.idleTimeout(), w.maxMessageBytes(), w.maxMessagesPerSecond(),
                w.maxQueuedFrames(), w.maxConnections(), w.maxPerAddress(), Duration.ofSeconds(2)));
        assertInvalid("--redirect-port", "needs --tls-keystore or --tls-self-signed", () -> new HttpsSettings(null, 8080));
        assertInvalid("--intake-rate", "0.0 is outside 0.01 to 100000", () -> new IntakeSettings(1000, 65_536, 0, 50));
        assertInvalid("--load-max-bytes", "1024 is outside 1048576 to", () -> new LoadSettings(true, 1024, 256, 32, 1 << 20, 0));
        assertInvalid("--load-max-streams", "0 is outside 1 to 100000", () -> new LoadSettings(true, 8L << 30, 0, 32, 1 << 20, 0));
        assertInvalid("--load-max-per-address", "0 is outside 1 to 100000", () -> new LoadSettings(true, 8L << 30, 256, 0, 1 << 20, 0));
        assertInvalid("--load-unsent-limit", "-1 is outside 0 to", () -> new LoadSettings(true, 8L << 30, 256, 32, 1 << 20, -1));
        assertInvalid("--shutdown-grace", "0ms is outside 100ms to 10m", () -> new AdminSettings("127.0.0.1", 0, Duration.ZERO));
    }

    @Test
    void a_redirect_port_that_is_already_the_main_port_spans_two_areas_and_is_checked_by_the_whole() {
        HttpsSettings https = new HttpsSettings(new TlsSettings(Path.of("k.p12"), "x", "test"), 7070);
        assertInvalid("--redirect-port", "7070 is already --port or --admin-port", () -> DEFAULTS.withHttps(https));
    }

    @Test
    void an_hlog_dir_that_is_a_file_is_refused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertInvalid("--hlog-dir", "is not a directory", () -> new RecordingSettings(Duration.ofSeconds(5), file));
    }

    @Test
    void values_are_normalized_as_the_command_line_would() {
        OriginSettings o = new OriginSettings(List.of(" https://Shop.example ", "", "https://blog.example"),
                List.of("https://SHOP.example", " "));
        assertEquals(List.of("https://Shop.example", "https://blog.example"), o.allowedOrigins());
        assertEquals(List.of("https://shop.example"), o.sites());
    }

    @Test
    void the_command_line_prints_the_same_message_as_the_record_throws() {
        InvalidConfigException direct = assertThrows(InvalidConfigException.class, () -> http("a b", 7070, List.of()));
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("--instance", "a b");
        assertEquals(Cli.USAGE_ERROR, status);
        assertTrue(err.toString().contains(direct.getMessage()), err + " vs " + direct.getMessage());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    private static HttpSettings http(String instance, int port, List<String> trustedProxies) {
        return new HttpSettings("0.0.0.0", port, instance, trustedProxies, Duration.ofSeconds(10), Duration.ofSeconds(10), 1024);
    }

    private static void assertInvalid(String option, String problem, Supplier<Object> build) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, build::get);
        assertEquals(option, e.option());
        assertTrue(e.getMessage().startsWith("Invalid value for option '" + option + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
