package dev.pingscope.prober;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Makes the JDK HttpClients the probers use. One client per probe connection: a client multiplexes all
 * its requests to one origin over one HTTP/2 connection, so N connections need N clients.
 */
final class ProbeClients {
    /**
     * Runs the client's completions on its own I/O thread instead of handing them to a pool: the probe's
     * receive time is taken there anyway, and a hand-off would only add a wake-up before the next probe.
     */
    private static final Executor DIRECT = Runnable::run;

    private ProbeClients() {}

    /** For HEAD probes: HTTP/2 by ALPN over TLS unless http11; always HTTP/1.1 over plain http (no h2c upgrade). */
    static HttpClient forHead(ProbeOptions options) {
        boolean h2 = Targets.isTls(options.target()) && !options.http11();
        return builder(options).version(h2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1).build();
    }

    /** For WebSockets, which the JDK opens by an HTTP/1.1 upgrade, one TCP connection each. */
    static HttpClient forWebSocket(ProbeOptions options) {
        return builder(options).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** For --report-to: a pool-run client, off the timing path. */
    static HttpClient forReports(ProbeOptions options) {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(options.trust().sslContext())
                .build();
    }

    private static HttpClient.Builder builder(ProbeOptions options) {
        return HttpClient.newBuilder()
                .executor(DIRECT)
                .connectTimeout(options.timeout())
                .sslContext(options.trust().sslContext())
                .followRedirects(HttpClient.Redirect.NEVER);
    }
}
