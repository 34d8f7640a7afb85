package dev.pingscope.stack;

import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's nginx, run with the repository's own configuration (server/deploy/nginx/nginx.conf) as the load
 * balancer of test instances. Of the compose stack's included files only the listen address and the
 * upstream server list are replaced, so the balancing method, keepalive and proxy settings are the stack's
 * (those of region eu's balancer; ComposeFileTest checks that the other region's differs only in its replicas).
 */
final class Nginx implements Balancer {
    static final String CONFIG = "server/deploy/nginx/nginx.conf";
    static final String COMPOSE_LISTEN = "server/deploy/nginx/compose/listen.conf";
    static final String COMPOSE_UPSTREAM = "server/deploy/nginx/compose/upstream-eu.conf";
    static final String COMPOSE_TLS = "server/deploy/nginx/compose/tls.conf";
    private static final Pattern COMPOSE_TLS_LISTEN = Pattern.compile("(?m)^listen 8443 ssl http2;$");
    private static final Pattern COMPOSE_CERT_DIR = Pattern.compile("/etc/nginx/certs/");
    private static final Pattern COMPOSE_SERVER = Pattern.compile("(?m)^(\\s*)server pingscope-eu:7070;\\n");
    private static final Pattern COMPOSE_LISTEN_LINE = Pattern.compile("(?m)^listen 8080;$");

    final int port;
    /** The HTTPS port, or -1 without TLS. */
    final int tlsPort;
    private final TempDir dir = new TempDir("pingscope-nginx");
    private final ExternalProcess process;

    /** @param replicaPorts ports of the instances on 127.0.0.1 */
    Nginx(List<Integer> replicaPorts) throws IOException, InterruptedException {
        this(replicaPorts, null);
    }

    /**
     * @param replicaPorts ports of the instances on 127.0.0.1
     * @param certDir      a directory holding tls.crt and tls.key: serve the stack's HTTPS (compose/tls.conf)
     *                     on a free port too; null for plain HTTP only
     */
    Nginx(List<Integer> replicaPorts, java.nio.file.Path certDir) throws IOException, InterruptedException {
        String nginx = Binaries.require("nginx", "nginx-light").toString();
        port = Ports.free();
        tlsPort = certDir == null ? -1 : Ports.free();
        writeConfig(replicaPorts, certDir);
        // As root, workers would run as "nobody", who cannot enter the private temp dir.
        String user = "root".equals(System.getProperty("user.name")) ? "user root; " : "";
        process = ExternalProcess.start("nginx", List.of(nginx,
                "-p", dir.path.toString(),
                "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(),
                "-g", user + "daemon off; pid " + dir.resolve("nginx.pid") + ";"), dir.resolve("output.log"));
        try {
            Ports.awaitListening(port, Duration.ofSeconds(10), process);
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    /** `nginx -t` on the configuration this instance runs: the exit status and output. */
    ExternalProcess.Result check() {
        String user = "root".equals(System.getProperty("user.name")) ? "user root; " : "";
        return ExternalProcess.run(List.of(Binaries.require("nginx", "nginx-light").toString(), "-t",
                "-p", dir.path.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(),
                "-g", user + "daemon off; pid " + dir.resolve("nginx-t.pid") + ";"), dir.path, "");
    }

    private void writeConfig(List<Integer> replicaPorts, java.nio.file.Path certDir) throws IOException {
        Files.writeString(dir.resolve("nginx.conf"), Repository.read(CONFIG));
        Files.writeString(dir.resolve("listen.conf"),
                replaceOnce(COMPOSE_LISTEN_LINE, Repository.read(COMPOSE_LISTEN), "listen 127.0.0.1:" + port + ";", COMPOSE_LISTEN));
        Matcher server = COMPOSE_SERVER.matcher(Repository.read(COMPOSE_UPSTREAM));
        String indent = server.find() ? server.group(1) : "";
        String servers = replicaPorts.stream().map(p -> indent + "server 127.0.0.1:" + p + ";\n").collect(Collectors.joining());
        Files.writeString(dir.resolve("upstream.conf"),
                replaceOnce(COMPOSE_SERVER, Repository.read(COMPOSE_UPSTREAM), servers, COMPOSE_UPSTREAM));
        String tls = "# plain HTTP only in this test\n";
        if (certDir != null) {
            tls = replaceOnce(COMPOSE_TLS_LISTEN, Repository.read(COMPOSE_TLS),
                    "listen 127.0.0.1:" + tlsPort + " ssl http2;", COMPOSE_TLS);
            tls = COMPOSE_CERT_DIR.matcher(tls).replaceAll(Matcher.quoteReplacement(certDir + "/"));
        }
        Files.writeString(dir.resolve("tls.conf"), tls);
    }

    /** The text with the one line matching the pattern replaced; a file that changed shape fails loudly. */
    private static String replaceOnce(Pattern pattern, String text, String replacement, String file) {
        long found = pattern.matcher(text).results().count();
        if (found != 1) {
            throw new AssertionError(file + " should hold exactly one line matching " + pattern + " (found " + found
                    + "): update the test along with it");
        }
        return pattern.matcher(text).replaceFirst(Matcher.quoteReplacement(replacement));
    }

    @Override
    public int httpPort() {
        return port;
    }

    @Override
    public int httpsPort() {
        return tlsPort;
    }

    /** Its whole output so far: error log lines (warn and above) and access log lines. */
    String log() {
        return process.log();
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
