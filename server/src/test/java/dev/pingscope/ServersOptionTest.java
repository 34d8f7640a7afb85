package dev.pingscope;

import dev.pingscope.servers.RegionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import dev.pingscope.servers.ListedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --servers FILE and --region: every bad file is refused at start in one line; GET /api/servers serves a good one. */
class ServersOptionTest {
    private static final String EU = "{\"name\": \"Frankfurt\", \"region\": \"eu\", \"url\": \"https://eu.example\"}";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return Cli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private Path file(String content) throws Exception {
        Path file = dir.resolve("servers.json");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void help_describes_both_options_with_their_environment_variables() {
        assertEquals(0, run(Map.of(), "--help"));
        String help = out.toString();
        assertTrue(help.contains("--servers=FILE"), help);
        assertTrue(help.contains("env PINGSCOPE_SERVERS, default: none"), help);
        assertTrue(help.contains("--region=NAME"), help);
        assertTrue(help.contains("env PINGSCOPE_REGION, default default"), help);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty file                  | ``                                                                          | is empty
            bad JSON                    | [{"name": "a",                                                              | not valid JSON at line 1
            not an array                | {"name": "a", "region": "eu", "url": "https://a.example"}                   | not a JSON array
            entry not an object         | [EU, "https://b.example"]                                                   | entry 2: not an object
            unknown field               | [EU, {"name": "b", "region": "eu", "url": "https://b.example", "x": 1}]     | entry 2: unknown field 'x'
            missing url                 | [{"name": "b", "region": "eu"}]                                             | entry 1: missing field 'url'
            missing name                | [{"region": "eu", "url": "https://b.example"}]                              | entry 1: missing field 'name'
            field not a string          | [{"name": 7, "region": "eu", "url": "https://b.example"}]                   | entry 1: field 'name' is not a string
            field given twice           | [{"name": "b", "name": "c", "region": "eu", "url": "https://b.example"}]    | Duplicate field 'name'
            empty name                  | [EU, {"name": "", "region": "eu", "url": "https://b.example"}]              | entry 2: name must be 1 to 64 printable
            name of 65 characters       | [{"name": "NAME65", "region": "eu", "url": "https://b.example"}]            | entry 1: name must be 1 to 64 printable
            name with a control char    | [{"name": "a\\u0007b", "region": "eu", "url": "https://b.example"}]         | entry 1: name must be 1 to 64 printable
            name with a line break      | [{"name": "a\\nb", "region": "eu", "url": "https://b.example"}]             | entry 1: name must be 1 to 64 printable
            name padded                 | [{"name": " b", "region": "eu", "url": "https://b.example"}]                | entry 1: name must be 1 to 64 printable
            region with a space         | [EU, {"name": "b", "region": "us east", "url": "https://b.example"}]        | entry 2 (b): region 'us east' must be
            region of 33 characters     | [{"name": "b", "region": "REGION33", "url": "https://b.example"}]           | entry 1 (b): region
            empty region                | [{"name": "b", "region": "", "url": "https://b.example"}]                   | entry 1 (b): region '' must be
            url not http                | [{"name": "b", "region": "eu", "url": "ftp://b.example/"}]                  | entry 1 (b): url 'ftp://b.example/' is not an absolute http or https URL
            url relative                | [{"name": "b", "region": "eu", "url": "/pingscope/"}]                       | is not an absolute http or https URL
            url without a host          | [{"name": "b", "region": "eu", "url": "https:///x"}]                        | is not an absolute http or https URL
            url not a URL               | [{"name": "b", "region": "eu", "url": "https://b example"}]                 | is not a URL
            url with a query            | [{"name": "b", "region": "eu", "url": "https://b.example/?a=1"}]            | no user, query or fragment
            duplicate name              | [EU, {"name": "Frankfurt", "region": "eu", "url": "https://c.example"}]     | entry 2 (Frankfurt): the name is listed twice
            more than 100 entries       | MANY101                                                                     | entry 101: more than 100 servers listed
            """)
    void a_bad_file_is_a_one_line_error_naming_the_file_and_the_entry_with_exit_status_2(
            String problem, String content, String expected) throws Exception {
        String json = content == null ? "" : content
                .replace("EU", EU)
                .replace("NAME65", "n".repeat(65))
                .replace("REGION33", "r".repeat(33))
                .replace("MANY101", many(101));
        Path file = file(json);

        assertEquals(2, run(Map.of(), "--servers", file.toString()), problem);

        String message = err.toString();
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertTrue(message.startsWith("pingscope: Invalid value for option '--servers': " + file + ": "), message);
        assertTrue(message.contains(expected), "says '" + expected + "': " + message);
        assertEquals("", out.toString(), "nothing else is printed");
    }

    @Test
    void a_file_that_cannot_be_read_is_refused_the_same_way() {
        Path missing = dir.resolve("nowhere.json");
        assertEquals(2, run(Map.of(), "--servers", missing.toString()));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--servers': " + missing + ": no such file"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, run(Map.of(), "--servers", dir.toString()));
        assertTrue(err.toString().contains(dir + ": is not a file"), err.toString());
    }

    @Test
    void exactly_one_hundred_entries_are_accepted() throws Exception {
        RegionSettings regions = RegionSettings.read("eu", file(many(100)));
        assertEquals(100, regions.servers().size());
    }

    @Test
    void the_environment_names_the_file_too() throws Exception {
        Path file = file("[{\"name\": \"b\", \"region\": \"eu\", \"url\": \"mailto:a@b.example\"}]");
        assertEquals(2, run(Map.of("PINGSCOPE_SERVERS", file.toString())));
        assertTrue(err.toString().contains("--servers': " + file + ": entry 1 (b): url"), err.toString());
    }

    @ParameterizedTest(name = "--region {0}")
    @CsvSource({"'us east'", "''", "eu/west", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"})
    void a_bad_region_is_a_one_line_error(String region) {
        assertEquals(2, run(Map.of(), "--region", region));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--region"), err.toString());
        assertTrue(err.toString().contains("must be 1 to 32 letters, digits or . _ -"), err.toString());
    }

    @Test
    void urls_are_kept_as_bases_ending_with_a_slash() throws Exception {
        Path file = file("""
                [{"name": "Frankfurt", "region": "eu", "url": "https://eu.example"},
                 {"name": "Ohio, USA", "region": "us-east.2", "url": "HTTP://us.example:8080/pingscope"},
                 {"name": "Tokyo 東京", "region": "ap", "url": "https://ap.example/p/"}]
                """);
        RegionSettings regions = RegionSettings.read("eu", file);
        assertEquals(List.of(
                new ListedServer("Frankfurt", "eu", "https://eu.example/"),
                new ListedServer("Ohio, USA", "us-east.2", "http://us.example:8080/pingscope/"),
                new ListedServer("Tokyo 東京", "ap", "https://ap.example/p/")), regions.servers());
    }

    @Test
    void api_servers_lists_the_file_in_order_for_pages_on_any_origin() throws Exception {
        Path file = file("""
                [{"name": "Frankfurt", "region": "eu", "url": "https://eu.example"},
                 {"name": "Ohio", "region": "us", "url": "http://us.example:8080/pingscope"}]
                """);
        // Restricted origins: the list is public all the same.
        TestConfig config = TestServer.testConfig()
                .withAllowedOrigins(List.of("https://allowed.example"))
                .with("--region", "eu").with("--servers", file);
        try (TestServer ts = TestServer.start(config)) {
            HttpResponse<String> answer = ts.send(HttpRequest.newBuilder(ts.uri("/api/servers"))
                    .header("Origin", "https://elsewhere.example").GET());

            assertEquals(200, answer.statusCode());
            assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
            assertEquals("*", answer.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertEquals("no-cache", answer.headers().firstValue("Cache-Control").orElse(""));
            JsonNode body = TestServer.JSON.readTree(answer.body());
            assertEquals(TestServer.JSON.readTree("""
                    {"region": "eu", "servers": [
                      {"name": "Frankfurt", "region": "eu", "url": "https://eu.example/"},
                      {"name": "Ohio", "region": "us", "url": "http://us.example:8080/pingscope/"}]}
                    """), body);

            HttpResponse<String> preflight = ts.send(HttpRequest.newBuilder(ts.uri("/api/servers"))
                    .header("Origin", "https://elsewhere.example")
                    .header("Access-Control-Request-Method", "GET")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertEquals(204, preflight.statusCode());
            assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));

            assertEquals("eu", ts.endInterval().get("region").asText(), "/api/stats names the region");
        }
    }

    @Test
    void without_the_option_the_list_is_empty_and_the_region_is_default() throws Exception {
        try (TestServer ts = TestServer.start()) {
            HttpResponse<String> answer = ts.get("/api/servers");
            assertEquals(200, answer.statusCode());
            assertEquals("*", answer.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertEquals(TestServer.JSON.readTree("{\"region\": \"default\", \"servers\": []}"),
                    TestServer.JSON.readTree(answer.body()));
            assertEquals("default", ts.endInterval().get("region").asText());
        }
    }

    private static String many(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> "{\"name\": \"s" + i + "\", \"region\": \"eu\", \"url\": \"https://s" + i + ".example\"}")
                .collect(Collectors.joining(",", "[", "]"));
    }
}
