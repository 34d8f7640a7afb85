package dev.pingscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository the tests run in, outside the server module (docs, web/examples, the stack's
 * configuration), wherever Maven runs the tests from.
 */
public final class Repository {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Repository() {}

    /** The repository root: Maven runs the server module's tests in server/. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("grafana"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with docker-compose.yml and grafana/) above " + Path.of("").toAbsolutePath());
    }

    public static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(relative + " is missing");
        }
        return path;
    }

    public static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(file(relative).toFile());
        } catch (IOException e) {
            throw new AssertionError(relative + " is not valid YAML: " + e.getMessage(), e);
        }
    }
}
