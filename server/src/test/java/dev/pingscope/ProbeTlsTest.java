package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.cli.Cli;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pingscope probe https://…} against a real server with a self-signed certificate. */
class ProbeTlsTest {
    static TlsSettings tls;
    static TestServer ts;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() {
        tls = SelfSignedCertificate.create();
        ts = TestServer.start(TestServer.testConfig().withTls(tls).withInstance("tls-probed"));
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    private int probe(String... args) {
        List<String> all = new ArrayList<>(List.of("probe", "--duration", "1500ms", "--rate", "50", "--warmup", "2",
                "--quiet", "--json"));
        all.addAll(List.of(args));
        return Cli.commandLine(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    private static String https() {
        return "https://localhost:" + ts.server.port();
    }

    @Test
    void https_probes_head_over_h2_and_the_websockets_over_wss() throws Exception {
        assertEquals(0, probe(https(), "--insecure"), out.toString() + err);
        JsonNode kinds = TestServer.JSON.readTree(out.toString()).get("kinds");
        assertEquals("[\"h2\"]", kinds.get("http_head").get("protocols").toString(), "ALPN chose HTTP/2");
        assertEquals("[\"wss\"]", kinds.get("ws_echo").get("protocols").toString());
        for (String kind : new String[] {"http_head", "ws_echo", "ws_ping"}) {
            assertTrue(kinds.get(kind).get("answered").asLong() > 0, kind + ": " + kinds.get(kind));
        }
        assertEquals("[\"tls-probed\"]", kinds.get("http_head").get("instances").toString(), "from x-pingscope-instance");
        assertEquals("[\"tls-probed\"]", kinds.get("ws_echo").get("instances").toString(), "from the hello message");
    }

    @Test
    void http11_option_keeps_head_on_http11() throws Exception {
        assertEquals(0, probe(https(), "--insecure", "--http1.1", "--kinds", "http_head"), out.toString() + err);
        JsonNode head = TestServer.JSON.readTree(out.toString()).get("kinds").get("http_head");
        assertEquals("[\"http/1.1\"]", head.get("protocols").toString());
        assertTrue(head.get("answered").asLong() > 0, head.toString());
    }

    @Test
    void a_self_signed_server_is_refused_without_insecure_with_a_clear_error() throws Exception {
        assertEquals(1, probe(https(), "--kinds", "http_head,ws_echo"), out.toString() + err);
        JsonNode kinds = TestServer.JSON.readTree(out.toString()).get("kinds");
        assertEquals(0, kinds.get("http_head").get("answered").asLong());
        for (String kind : new String[] {"http_head", "ws_echo"}) {
            String error = kinds.get(kind).get("last_error").asText();
            assertTrue(error.startsWith("TLS: the server's certificate is not trusted") && error.contains("--insecure"), kind + ": " + error);
        }
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("pingscope probe: no http_head probe was answered by " + https() + ": TLS: "), err.toString());
    }

    @Test
    void cacert_with_the_servers_certificate_is_trusted(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, pem(tls));
        assertEquals(0, probe(https(), "--cacert", pem.toString(), "--kinds", "http_head,ws_echo"), out.toString() + err);
        JsonNode kinds = TestServer.JSON.readTree(out.toString()).get("kinds");
        assertEquals("[\"h2\"]", kinds.get("http_head").get("protocols").toString());
        assertTrue(kinds.get("ws_echo").get("answered").asLong() > 0, kinds.toString());
    }

    @Test
    void unreadable_or_conflicting_trust_options_are_usage_errors(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        for (String[] args : new String[][] {
            {https(), "--cacert", dir.resolve("missing.pem").toString()}, {https(), "--cacert", notPem.toString()},
            {https(), "--cacert", notPem.toString(), "--insecure"}}) {
            err.getBuffer().setLength(0);
            assertEquals(2, probe(args), String.join(" ", args));
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("pingscope probe: Invalid value for option '--cacert'"), err.toString());
        }
    }

    private static String pem(TlsSettings settings) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(settings.keystore())) {
            store.load(in, settings.password().toCharArray());
        }
        byte[] der = store.getCertificate(store.aliases().nextElement()).getEncoded();
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }
}
