package dev.pingscope.cli;

import dev.pingscope.results.ResultsSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.config.DurationText;
import dev.pingscope.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The saved results' options: defaults from ResultsSettings, environment variables, one-line errors naming the option. */
class ResultsOptionsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private ServerConfig config(Map<String, String> env, String... args) {
        CommandLine cl = Cli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true));
        cl.parseArgs(args);
        return ((ServeCommand) cl.getCommand()).toConfig();
    }

    @Test
    void defaults_keep_results_in_sqlite_in_the_data_dir_for_90_days() {
        ResultsSettings r = config(Map.of()).results();
        assertTrue(r.enabled());
        assertEquals(Path.of("pingscope-data"), r.dataDir());
        assertEquals("jdbc:sqlite:" + Path.of("pingscope-data", "results.db"), r.jdbcUrl());
        assertEquals(Duration.ofDays(90), r.retention());
        assertEquals(10, r.savesPerMinute());
        assertEquals(262_144, r.maxBodyBytes());
        assertEquals("none", r.clientAddress());
        assertNull(r.adminToken());
    }

    @Test
    void every_option_has_its_variable_and_the_password_only_a_variable() {
        ResultsSettings r = config(Map.of(
                "PINGSCOPE_DATABASE_URL", "jdbc:postgresql://db.example/pingscope",
                "PINGSCOPE_DATABASE_USER", "ps",
                "PINGSCOPE_DATABASE_PASSWORD", "s3cret-password",
                "PINGSCOPE_RESULTS_RETENTION", "30d",
                "PINGSCOPE_RESULTS_RATE", "60",
                "PINGSCOPE_RESULTS_CLIENT_ADDRESS", "truncated",
                "PINGSCOPE_ADMIN_TOKEN", "0123456789abcdef",
                "PINGSCOPE_RESULTS", "false"), "--results-max-body", "4096").results();
        assertEquals("jdbc:postgresql://db.example/pingscope", r.jdbcUrl());
        assertEquals("ps", r.user());
        assertEquals("s3cret-password", r.password());
        assertEquals(Duration.ofDays(30), r.retention());
        assertEquals(60, r.savesPerMinute());
        assertEquals(4096, r.maxBodyBytes());
        assertEquals("truncated", r.clientAddress());
        assertEquals("0123456789abcdef", r.adminToken());
        assertFalse(r.enabled());
        assertFalse(r.toString().contains("s3cret") || r.toString().contains("0123456789abcdef"), r.toString());
        assertTrue(config(Map.of(), "--results").results().enabled(), "--results alone means true");
    }

    @Test
    void a_bad_value_names_its_option() {
        String[][] bad = {
            {"--database-url", "jdbc:mysql://x/y"},
            {"--results-retention", "10m"},
            {"--results-rate", "0"},
            {"--results-max-body", "100"},
            {"--results-client-address", "full"},
            {"--admin-token", "short"},
        };
        for (String[] b : bad) {
            CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> config(Map.of(), b));
            assertTrue(e.getMessage().contains(b[0]), e.getMessage());
        }
    }

    @Test
    void a_data_dir_that_is_a_file_is_refused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("plain"));
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> config(Map.of(), "--data-dir", file.toString()));
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
    }

    @Test
    void help_shows_every_results_option_with_its_variable_and_default() {
        CommandLine cl = Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String option : new String[] {"--results", "--data-dir", "--database-url", "--database-user", "--results-retention",
                "--results-rate", "--results-max-body", "--results-client-address", "--admin-token"}) {
            assertTrue(help.contains(option), option);
            assertTrue(help.contains(EnvironmentDefaults.variableFor(option)), option);
        }
        assertTrue(help.contains("PINGSCOPE_DATABASE_PASSWORD"), help);
        assertTrue(help.contains("default " + DurationText.format(Duration.ofDays(90))), help);
        assertEquals("90d", DurationText.format(Duration.ofDays(90)));
        assertEquals(Duration.ofDays(2), DurationText.parse("2d"));
    }
}
