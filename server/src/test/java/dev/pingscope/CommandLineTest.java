package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.cli.Cli;
import dev.pingscope.cli.EnvironmentDefaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return Cli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void help_lists_every_option_with_its_environment_variable_and_default() {
        assertEquals(0, run(Map.of(), "--help"));
        String help = out.toString();
        CommandLine cl = Cli.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err));
        for (CommandLine.Model.OptionSpec option : cl.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String name = option.longestName();
            assertTrue(help.contains(name), name + " is listed");
            assertTrue(help.contains("env " + EnvironmentDefaults.variableFor(name)), name + " names its variable");
        }
        assertTrue(help.contains("env PINGSCOPE_PORT, default 7070"), help);
        assertTrue(help.contains("env PINGSCOPE_PING_INTERVAL, default 1s"), help);
        assertTrue(help.contains("env PINGSCOPE_ALLOWED_ORIGINS, default *"), help);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--port, abc",
        "--port, 70000",
        "--ping-interval, 5",
        "--ping-interval, 10ms",
        "--ws-idle-timeout, 500ms",
        "--allowed-origins, https://a.example/path",
        "--max-batch, 0",
        "--instance, 'bad name!'",
        "--redirect-port, 8081",
    })
    void a_bad_value_is_a_one_line_error_naming_the_option_and_exit_status_2(String option, String value) {
        assertEquals(2, run(Map.of(), option, value));
        String message = err.toString();
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertTrue(message.startsWith("pingscope: "), message);
        assertTrue(message.contains(option), "names " + option + ": " + message);
        assertEquals("", out.toString(), "nothing else is printed");
    }

    @Test
    void a_bad_environment_value_is_refused_the_same_way() {
        assertEquals(2, run(Map.of("PINGSCOPE_PING_INTERVAL", "often")));
        assertTrue(err.toString().contains("--ping-interval"), err.toString());
    }

    @Test
    void an_unknown_option_is_a_one_line_error() {
        assertEquals(2, run(Map.of(), "--prot", "8080"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--prot"), err.toString());
    }

    @Test
    void the_real_process_starts_prints_its_url_and_takes_its_port_from_the_environment() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.pingscope.cli.Main", "--host", "127.0.0.1");
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // else the JVM's notice of it comes first
        pb.environment().put("PINGSCOPE_PORT", Integer.toString(port));
        pb.environment().put("PINGSCOPE_INSTANCE", "from-env");
        pb.environment().put("PINGSCOPE_DATA_DIR", TestServer.dataDir().toString());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            String second = lines.readLine();
            assertTrue(first.contains("instance from-env") && first.contains("127.0.0.1:" + port), first);
            Matcher url = Pattern.compile("Open (http://\\S+/) in a browser").matcher(second);
            assertTrue(url.find(), second);
            assertEquals("http://127.0.0.1:" + port + "/", url.group(1));
            HttpResponse<Void> ping = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url.group(1) + "ping"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(204, ping.statusCode());
            assertEquals(List.of("from-env"), ping.headers().allValues("X-Pingscope-Instance"));
        } finally {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }

    @Test
    void the_real_process_exits_with_status_2_on_a_bad_value() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.pingscope.cli.Main", "--port", "-1").redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // else the JVM's notice of it is a second line
        Process process = pb.start();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.contains("--port"), output);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
