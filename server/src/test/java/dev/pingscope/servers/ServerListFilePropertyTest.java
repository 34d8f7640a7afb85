package dev.pingscope.servers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.config.InvalidConfigException;
import dev.pingscope.properties.Inputs;
import dev.pingscope.properties.OneLine;
import dev.pingscope.properties.Property;
import dev.pingscope.properties.Shrink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the --servers file holds, reading it gives the list or one {@link InvalidConfigException}: one
 * line naming the option and the file, never another exception (the command line prints it and exits 2).
 */
class ServerListFilePropertyTest {
    @TempDir
    Path dir;

    static String validList(Random r) {
        int n = Inputs.between(r, 0, 5);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add("{\"name\": \"Server " + i + "\", \"region\": \"" + Inputs.pick(r, List.of("eu", "us-east", "ap.1", "x_y"))
                    + "\", \"url\": \"" + Inputs.pick(r, List.of("https://eu.example", "http://10.0.0.1:8080/ps", "https://[::1]/",
                            "https://a.example/x/")) + "\"}");
        }
        return "[" + String.join(", ", entries) + "]";
    }

    @Test
    void any_file_is_read_or_refused_in_one_line_naming_the_file() {
        Path file = dir.resolve("servers.json");
        String prefix = "Invalid value for option '--servers': " + file + ": ";
        Property.of("servers file: mutated lists", 1_500, r -> Inputs.document(r, ServerListFilePropertyTest::validList), Shrink::bytes)
                .check(bytes -> {
                    Files.write(file, bytes);
                    try {
                        RegionSettings regions = RegionSettings.read("eu", file);
                        assertTrue(regions.servers().size() <= RegionSettings.MAX_SERVERS, "at most 100 servers");
                    } catch (InvalidConfigException refused) {
                        String message = refused.getMessage();
                        assertTrue(message.startsWith(prefix), message);
                        OneLine.assertOneLine(message.substring(prefix.length()));
                    }
                });
    }

    /** Files this property once shrunk to, kept as examples: each failed before lone surrogates were shown as ?. */
    @ParameterizedTest
    @ValueSource(strings = {
        "ED BF BF", // a UTF-8-encoded lone surrogate, quoted by Jackson's "Unexpected character"
        "[{\"name\":\"r\",\"region\":\"t\",\"url\":\"\\ud800\"}]" // a lone surrogate in a url
    })
    void files_found_by_the_property_are_refused_in_one_line(String content) throws Exception {
        Path file = dir.resolve("servers.json");
        Files.write(file, content.matches("([0-9A-F]{2} ?)+") ? java.util.HexFormat.ofDelimiter(" ").parseHex(content)
                : content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> RegionSettings.read("eu", file));
        OneLine.assertOneLine(refused.getMessage());
    }
}
