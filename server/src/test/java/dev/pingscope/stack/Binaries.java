package dev.pingscope.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real programs the stack tests run. A missing one fails the test (never skips it): CI installs them
 * (the test command installs them: .ci/test-packages.sh), and a test that silently skips would prove nothing.
 */
final class Binaries {
    private Binaries() {}

    /** @param debianPackage what provides it, for the message */
    static Path require(String name, String debianPackage) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        // nginx lives in /usr/sbin, which is not on every user's PATH.
        dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/local/sbin")));
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed (not on PATH, nor in /usr/sbin): install Debian's "
                + debianPackage + " (apt-get install " + debianPackage + "), as the test command does when run as root");
    }
}
