package dev.pingscope.stack;

import dev.pingscope.Repository;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's HAProxy (2.6), run with the repository's own configuration (server/deploy/haproxy/haproxy.cfg) as the
 * load balancer of test instances. The test copy differs from the shipped file in three kinds of line only, each
 * replaced textually and each required to match exactly once, so that the test breaks when the file changes shape:
 * <ul>
 *   <li>the two bind addresses (:8080 and :8443) become free ports on 127.0.0.1;</li>
 *   <li>the certificate path becomes a self-signed one (certificate and key in one PEM, as HAProxy wants);</li>
 *   <li>the {@code server-template} line, which finds the replicas through Docker's DNS (the {@code docker} resolvers
 *       at 127.0.0.11, which do not exist here), becomes one {@code server sN 127.0.0.1:PORT check} line per test
 *       instance, with the template's own options after {@code check} (resolvers, init-addr) left out.</li>
 * </ul>
 * Everything else (timeouts, forwarded headers, health checks on /readyz, leastconn, the /metrics refusal) is the
 * shipped configuration's.
 */
final class Haproxy implements Balancer {
    static final String CONFIG = "server/deploy/haproxy/haproxy.cfg";
    private static final Pattern BIND_HTTP = Pattern.compile("(?m)^(\\s*)bind :8080$");
    private static final Pattern BIND_HTTPS = Pattern.compile("(?m)^(\\s*)bind :8443 ssl crt /etc/haproxy/certs/pingscope\\.pem( .*)$");
    private static final Pattern SERVER_TEMPLATE =
            Pattern.compile("(?m)^(\\s*)server-template pingscope \\d+ pingscope-eu:7070 check resolvers docker init-addr none$");

    /** Connections HAProxy may hold in a test: far more than any test opens, within any machine's FD limit. */
    private static final int TEST_MAXCONN = 4000;

    private final int port;
    private final int tlsPort;
    private final TempDir dir = new TempDir("pingscope-haproxy");
    private final ExternalProcess process;

    /**
     * @param replicaPorts ports of the instances on 127.0.0.1
     * @param pem          certificate and key in one PEM file (Pem.write makes pingscope.pem), for the HTTPS bind
     */
    Haproxy(List<Integer> replicaPorts, Path pem) throws IOException {
        String haproxy = Binaries.require("haproxy", "haproxy").toString();
        port = Ports.free();
        tlsPort = Ports.free();
        Files.writeString(dir.resolve("haproxy.cfg"), testCopy(Repository.read(CONFIG), replicaPorts, pem));
        // -db: stay in the foreground, so that closing the process stops HAProxy. -n: the shipped maxconn (20000)
        // needs about twice as many file descriptors, above this machine's hard limit (20000), and HAProxy then
        // refuses to start; -n takes precedence over the file's maxconn without changing the file.
        process = ExternalProcess.start("haproxy", List.of(haproxy, "-db", "-n", Integer.toString(TEST_MAXCONN),
                "-f", dir.resolve("haproxy.cfg").toString()),
                dir.resolve("output.log"));
        try {
            Ports.awaitListening(port, Duration.ofSeconds(10), process);
            Ports.awaitListening(tlsPort, Duration.ofSeconds(10), process);
            awaitReplicasUp(replicaPorts.size());
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    /** The shipped file with only the bind addresses, the certificate and the server lines replaced. */
    private String testCopy(String config, List<Integer> replicaPorts, Path pem) {
        config = replaceOnce(BIND_HTTP, config, m -> m.group(1) + "bind 127.0.0.1:" + port);
        config = replaceOnce(BIND_HTTPS, config, m -> m.group(1) + "bind 127.0.0.1:" + tlsPort + " ssl crt " + pem + m.group(2));
        return replaceOnce(SERVER_TEMPLATE, config, m -> {
            // Docker's DNS (resolvers docker) does not exist here: fixed servers instead of the template.
            StringBuilder servers = new StringBuilder(m.group(1)).append("# test copy: fixed servers instead of the server-template\n");
            for (int i = 0; i < replicaPorts.size(); i++) {
                servers.append(m.group(1)).append("server s").append(i + 1).append(" 127.0.0.1:").append(replicaPorts.get(i))
                        .append(" check\n");
            }
            return servers.toString().stripTrailing();
        });
    }

    private static String replaceOnce(Pattern pattern, String text, java.util.function.Function<Matcher, String> replacement) {
        long found = pattern.matcher(text).results().count();
        if (found != 1) {
            throw new AssertionError(CONFIG + " should hold exactly one line matching " + pattern + " (found " + found
                    + "): update the test along with it");
        }
        Matcher m = pattern.matcher(text);
        m.find();
        return text.substring(0, m.start()) + replacement.apply(m) + text.substring(m.end());
    }

    /**
     * HAProxy's health checks (GET /readyz) must pass before it sends traffic: until then it answers 503. Waits
     * until a request through it reaches a replica as many times in a row as there are replicas.
     */
    private void awaitReplicasUp(int replicas) {
        dev.pingscope.TestServer.poll("HAProxy to see its replicas up", Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    for (int i = 0; i < replicas; i++) {
                        if (!readyzThroughHaproxy()) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private boolean readyzThroughHaproxy() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return head.equals("HTTP/1.1 200");
        }
    }

    @Override
    public int httpPort() {
        return port;
    }

    @Override
    public int httpsPort() {
        return tlsPort;
    }

    @Override
    public String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            dir.close();
        }
    }
}
