package dev.pingscope.load;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server namespace and a client namespace joined by one veth pair: an idle path of a known, real RTT (the
 * reference echo measures it), with no proxy and no shaping. Addresses and names are the caller's, so that
 * tests using it run beside {@link BottleneckTest}. Needs root (CI runs as root) and iproute2.
 */
final class TwoNamespaces implements AutoCloseable {
    final String serverNs;
    final String clientNs;
    final String serverAddress;
    final String clientAddress;
    private final List<Process> children = new ArrayList<>();
    private final Thread cleanup = new Thread(this::cleanUp, "namespaces-cleanup");

    TwoNamespaces(String prefix, String serverAddress, String clientAddress) throws Exception {
        String tag = prefix + ProcessHandle.current().pid() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
        this.serverNs = tag + "-srv";
        this.clientNs = tag + "-cli";
        this.serverAddress = serverAddress;
        this.clientAddress = clientAddress;
        Runtime.getRuntime().addShutdownHook(cleanup);
        Process p;
        try {
            p = new ProcessBuilder("ip", "netns", "add", serverNs).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("needs iproute2's `ip` (Debian package iproute2): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("needs network namespaces (`ip netns add`), which need root: " + out.trim());
        }
        ip("netns", "add", clientNs);
        ip("link", "add", "vs", "netns", serverNs, "type", "veth", "peer", "name", "vc", "netns", clientNs);
        ip("-n", serverNs, "addr", "add", serverAddress + "/30", "dev", "vs");
        ip("-n", clientNs, "addr", "add", clientAddress + "/30", "dev", "vc");
        for (String[] end : List.of(new String[] {serverNs, "vs"}, new String[] {clientNs, "vc"})) {
            ip("-n", end[0], "link", "set", end[1], "up");
            ip("-n", end[0], "link", "set", "lo", "up");
        }
    }

    /** Starts a JVM of the test classpath inside a namespace. */
    Process java(String namespace, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xss512k",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", // as pingscope.jar's manifest does, for TCP_INFO
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).start();
        children.add(p);
        return p;
    }

    /** A script that starts the given browser inside the client namespace (Playwright's pipe crosses namespaces). */
    Path launcherInClient(Path browser) throws IOException {
        Path launcher = Files.createTempFile("browser-in-" + clientNs, ".sh");
        Files.writeString(launcher, "#!/bin/sh\nexec ip netns exec " + clientNs + " " + browser + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        launcher.toFile().deleteOnExit();
        return launcher;
    }

    static void awaitLine(Process p, String text, int seconds) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains(text)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        if (!Boolean.TRUE.equals(seen.get(seconds, TimeUnit.SECONDS))) {
            fail("child did not say '" + text + "': " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out.trim());
        }
    }

    private void cleanUp() {
        for (Process child : children) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        for (Process child : children) {
            try {
                child.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
        for (String ns : List.of(clientNs, serverNs)) {
            try {
                new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // best effort: nothing else to do
            }
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs anyway
        }
    }
}
