package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.cli.Cli;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
    static TlsSettings tls;
    static TestServer ts;
    static HttpClient h2;

    @BeforeAll
    static void start() throws Exception {
        tls = SelfSignedCertificate.create();
        ts = TestServer.start(TestServer.testConfig().withTls(tls));
        h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestTls.trusting(tls))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    private static URI https(String path) {
        return URI.create("https://localhost:" + ts.server.port() + path);
    }

    @Test
    void head_ping_over_http2_with_tls_carries_the_same_headers_as_over_http11() throws Exception {
        HttpResponse<String> overH2 = h2.send(HttpRequest.newBuilder(https("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://shop.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, overH2.version(), "ALPN negotiated h2");
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TestTls.trusting(tls)).build();
        HttpResponse<String> overH1 = h1.send(HttpRequest.newBuilder(https("/ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://shop.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, overH1.version());
        for (HttpResponse<String> r : List.of(overH2, overH1)) {
            assertEquals(204, r.statusCode());
            assertEquals("", r.body());
            assertTrue(r.headers().firstValue("server-timing").orElseThrow().matches("app;dur=\\d+\\.\\d{3}"));
        }
        for (String name : List.of("cache-control", "x-pingscope-instance", "access-control-allow-origin",
                "timing-allow-origin", "access-control-expose-headers")) {
            assertEquals(overH1.headers().allValues(name), overH2.headers().allValues(name), name);
            assertTrue(!overH2.headers().allValues(name).isEmpty(), name + " present");
        }
        HttpResponse<String> post = h2.send(HttpRequest.newBuilder(https("/ping"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), "other methods still 405 over h2");
    }

    @Test
    void the_websocket_echo_and_server_pings_work_over_wss() throws Exception {
        CompletableFuture<String> hello = new CompletableFuture<>();
        CompletableFuture<String> echo = new CompletableFuture<>();
        CompletableFuture<String> pingRtt = new CompletableFuture<>();
        WebSocket ws = h2.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + ts.server.port() + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        String s = data.toString();
                        if (s.startsWith("{\"type\":\"hello\"")) hello.complete(s);
                        else if (s.startsWith("{\"type\":\"ping_rtt\"")) pingRtt.complete(s);
                        else echo.complete(s);
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertTrue(hello.get(5, TimeUnit.SECONDS).contains(ts.server.config().http().instance()));
        ws.sendText("e1", true).get(5, TimeUnit.SECONDS);
        assertEquals("e1", echo.get(5, TimeUnit.SECONDS));
        assertTrue(pingRtt.get(5, TimeUnit.SECONDS).contains("rtt_ms"));
        ws.abort();
    }

    @Test
    void the_servers_own_page_may_report_over_http2_when_other_origins_are_listed() throws Exception {
        // HTTP/2 has no Host header (the authority travels as :authority): the own-origin check must not need one.
        try (TestServer listing = TestServer.start(TestServer.testConfig().withTls(tls)
                .withAllowedOrigins(List.of("https://shop.example")))) {
            String own = "https://127.0.0.1:" + listing.server.port();
            for (String origin : List.of(own, "https://shop.example", "https://elsewhere.example")) {
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(own + "/api/samples"))
                        .header("Origin", origin).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"samples\": {\"ws_echo\": [1.5]}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                assertEquals(origin.contains("elsewhere") ? 403 : 200, r.statusCode(), origin + ": " + r.body());
            }
        }
    }

    @Test
    void samples_from_the_servers_own_page_over_http2_are_recorded_as_direct() throws Exception {
        // Over HTTP/2 the page's host travels as :authority, not Host: the site must still be "direct", not "other".
        String own = "https://localhost:" + ts.server.port();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(own + "/api/samples"))
                .header("Origin", own).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"samples\": {\"http_head\": [3.5, 4.5]}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals(200, r.statusCode(), r.body());
        ts.server.reporter().reportNow();
        String metrics = h2.send(HttpRequest.newBuilder(https("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("pingscope_rtt_seconds_count{kind=\"http_head\",load=\"idle\",region=\"default\",site=\"direct\",source=\"browser\"} 2"),
                "both samples under site direct");
        assertTrue(metrics.contains("pingscope_rtt_seconds_count{kind=\"http_head\",load=\"idle\",region=\"default\",site=\"other\",source=\"browser\"} 0"),
                "none under site other");
    }

    @Test
    void the_redirect_port_sends_every_plain_http_request_to_the_same_path_on_https() throws Exception {
        int redirectPort;
        try (ServerSocket free = new ServerSocket(0)) {
            redirectPort = free.getLocalPort();
        }
        try (TestServer redirecting = TestServer.start(TestServer.testConfig().withTls(tls).withRedirectPort(redirectPort))) {
            assertEquals(redirectPort, redirecting.server.redirectPort());
            String https = "https://localhost:" + redirecting.server.port();
            HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            for (String method : List.of("GET", "HEAD", "POST")) {
                HttpResponse<String> r = plain.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + redirectPort + "/ping?pingscope=run-1"))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(308, r.statusCode(), method + ": a permanent redirect that keeps the method");
                assertEquals(https + "/ping?pingscope=run-1", r.headers().firstValue("location").orElseThrow(), method);
            }
            HttpResponse<String> page = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + redirectPort + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(https + "/", page.headers().firstValue("location").orElseThrow());
            try (Socket raw = new Socket("localhost", redirectPort)) {
                raw.setSoTimeout(10_000);
                raw.getOutputStream().write("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(head.startsWith("HTTP/1.1 308") && head.contains("Location: " + https + "/\r\n"),
                        "a request for * goes to the root: " + head);
            }

            HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(TestTls.trusting(tls)).followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> probe = following.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + redirectPort + "/ping"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, probe.statusCode(), "the HEAD probe, followed, is answered over HTTPS");
            assertEquals(HttpClient.Version.HTTP_2, probe.version());
            assertEquals(https + "/ping", probe.uri().toString());
        }
    }

    @Test
    void a_missing_keystore_is_a_one_line_error_with_status_2(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of("PINGSCOPE_TLS_PASSWORD", "x"), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true)).execute("--port", "0", "--tls-keystore", dir.resolve("none.p12").toString());
        assertEquals(2, status);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--tls-keystore") && err.toString().contains("cannot read keystore"), err.toString());
    }

    @Test
    void a_wrong_keystore_password_is_a_one_line_error_with_status_2(@TempDir Path dir) throws Exception {
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "not-the-password\n");
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true))
                .execute("--port", "0", "--tls-keystore", tls.keystore().toString(),
                        "--tls-password-file", passwordFile.toString());
        assertEquals(2, status);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--tls-keystore") && err.toString().contains("wrong password"), err.toString());
    }

    @Test
    void a_keystore_without_its_password_is_refused() {
        StringWriter err = new StringWriter();
        int status = Cli.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true))
                .execute("--port", "0", "--tls-keystore", tls.keystore().toString());
        assertEquals(2, status);
        assertTrue(err.toString().contains("PINGSCOPE_TLS_PASSWORD"), err.toString());
    }
}
