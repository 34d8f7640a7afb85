package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.Repository;
import dev.pingscope.TestServer;
import dev.pingscope.TestTls;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load balancer configurations with TLS, as docs/deployment.md describes them: the stack's nginx passes
 * `nginx -t`, HAProxy's passes `haproxy -c`, and each, run for real (Nginx, Haproxy), serves HTTP/2 and wss: in
 * front of a real instance.
 */
class DeploymentConfigTest {
    static final String HAPROXY = "server/deploy/haproxy/haproxy.cfg";
    static TempDir certs;
    static TlsSettings tls;
    static TestServer replica;
    static Nginx nginx;
    static Haproxy haproxy;

    @BeforeAll
    static void start() throws Exception {
        certs = new TempDir("pingscope-certs");
        tls = SelfSignedCertificate.create();
        Pem.write(tls, certs.path);
        replica = TestServer.start();
        nginx = new Nginx(List.of(replica.server.port()), certs.path);
        haproxy = new Haproxy(List.of(replica.server.port()), certs.resolve("pingscope.pem"));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) nginx.close();
        if (haproxy != null) haproxy.close();
        if (replica != null) replica.close();
        certs.close();
    }

    @Test
    void the_nginx_configuration_with_tls_passes_nginx_t() {
        ExternalProcess.Result r = nginx.check();
        assertEquals(0, r.exitStatus(), r.output());
        assertTrue(r.output().contains("syntax is ok") && r.output().contains("test is successful"), r.output());
    }

    @Test
    void nginx_serves_ping_over_http2_and_the_websocket_over_wss() throws Exception {
        servesPingOverHttp2AndTheWebSocketOverWss(nginx);
    }

    @Test
    void haproxy_runs_the_shipped_configuration_and_serves_ping_over_http2_and_the_websocket_over_wss() throws Exception {
        servesPingOverHttp2AndTheWebSocketOverWss(haproxy);
    }

    @Test
    void haproxy_refuses_metrics_as_its_configuration_says() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trusting(tls)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.httpPort() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertEquals("scrape each replica directly", r.body());
    }

    private static void servesPingOverHttp2AndTheWebSocketOverWss(Balancer balancer) throws Exception {
        int tlsPort = balancer.httpsPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestTls.trusting(tls))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> ping = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, ping.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, ping.version(), "the balancer speaks h2 to the browser");
        assertEquals(replica.server.config().http().instance(), ping.headers().firstValue("x-pingscope-instance").orElseThrow());
        assertTrue(ping.headers().firstValue("server-timing").isPresent());

        CompletableFuture<String> echo = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + tlsPort + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        if (!data.toString().startsWith("{\"type\":")) echo.complete(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("e-through-the-balancer", true).get(5, TimeUnit.SECONDS);
        assertEquals("e-through-the-balancer", echo.get(5, TimeUnit.SECONDS), "the upgrade works through the balancer's TLS");
        ws.abort();
    }

    @Test
    void the_haproxy_configuration_passes_haproxy_c() throws Exception {
        String config = Repository.read(HAPROXY);
        assertEquals(1, config.split("/etc/haproxy/certs/pingscope.pem", -1).length - 1, "one certificate path to replace");
        Path checked = certs.resolve("haproxy.cfg");
        Files.writeString(checked, config.replace("/etc/haproxy/certs/pingscope.pem", certs.resolve("pingscope.pem").toString()));
        ExternalProcess.Result r = ExternalProcess.run(
                List.of(Binaries.require("haproxy", "haproxy").toString(), "-c", "-f", checked.toString()), certs.path, "");
        assertEquals(0, r.exitStatus(), r.output());
        assertTrue(r.output().contains("Configuration file is valid"), r.output());
    }
}
