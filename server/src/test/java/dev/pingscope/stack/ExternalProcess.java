package dev.pingscope.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program the test started, with its output in a log file; {@link #close} stops it and waits. */
final class ExternalProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ExternalProcess start(String name, List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ExternalProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** What a command printed (stdout and stderr together) and its exit status. */
    record Result(int exitStatus, String output) {}

    /** Runs a command to its end (at most 60 s), with the given text on its standard input. */
    static Result run(List<String> command, Path workingDirectory, String stdin) {
        try {
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            // Read before waiting, so that a chatty command never blocks on a full pipe.
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it has printed so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return name + " output unreadable: " + e;
        }
    }

    /** The last lines of its output, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return name + " output (last lines):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return name + " output unreadable: " + e;
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
