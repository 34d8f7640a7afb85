package dev.pingscope.client;

import dev.pingscope.ServerConfig;
import dev.pingscope.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A test server that keeps saved results (docs/results.md) in a throwaway data directory. */
final class ResultsServer {
    private ResultsServer() {}

    static ServerConfig config(Path dataDir) {
        return TestServer.testConfig();
    }

    static void deleteDataDir(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
