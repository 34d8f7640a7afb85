package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestConfig;
import dev.pingscope.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that writes its whole body before it reads anything must still read the intake's refusal: the
 * server answers, then reads and discards the rest of the body before closing (a lingering close), where
 * closing on unread input would make the kernel reset the connection and lose the answer.
 */
class LingeringCloseTest {
    private static final int TEN_MIB = 10 << 20;
    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = TestServer.start(TestServer.testConfig().unlimited());
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void a_client_that_writes_10_mib_before_reading_reads_its_413() throws Exception {
        String answer = writeAllThenRead(head("Content-Type: application/json", "Content-Length: " + TEN_MIB), false);
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertTrue(answer.contains("\"error\":\"body_too_large\""), answer);
    }

    @Test
    void a_chunked_body_over_the_limit_gets_the_same_413() throws Exception {
        String answer = writeAllThenRead(head("Content-Type: application/json", "Transfer-Encoding: chunked"), true);
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
    }

    @Test
    void other_refusals_before_the_body_linger_too() throws Exception {
        assertTrue(writeAllThenRead(head("Content-Type: image/png", "Content-Length: " + TEN_MIB), false)
                .startsWith("HTTP/1.1 415 "));
    }

    @Test
    void an_upload_refused_for_the_instance_cap_reads_its_503() throws Exception {
        try (TestServer capped = TestServer.start(TestServer.testConfig().with("--load-max-streams", 1));
                Socket held = holdDownload(capped)) {
            String answer = writeAllThenRead(capped, upload("Content-Length: " + TEN_MIB), false);
            assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
        }
    }

    @Test
    void an_upload_refused_for_the_address_cap_reads_its_429() throws Exception {
        TestConfig config = TestServer.testConfig().with("--load-max-streams", 10).with("--load-max-per-address", 1);
        try (TestServer capped = TestServer.start(config); Socket held = holdDownload(capped)) {
            String answer = writeAllThenRead(capped, upload("Transfer-Encoding: chunked"), true);
            assertTrue(answer.startsWith("HTTP/1.1 429 "), answer);
        }
    }

    /** One whole answer is in: its Content-Length of body, or a JSON body's closing brace. */
    private static boolean answered(String head, String body) {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^Content-Length: *(\\d+)").matcher(head);
        return length.find() ? body.length() >= Integer.parseInt(length.group(1)) : body.endsWith("}");
    }

    private static String head(String... fields) {
        return "POST /api/samples HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("\r\n", fields) + "\r\n\r\n";
    }

    private static String upload(String field) {
        return "POST /load/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n" + field + "\r\n\r\n";
    }

    /** A large download that reads nothing: it holds a load stream's slot while the socket stays open. */
    private static Socket holdDownload(TestServer server) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server.port());
        socket.getOutputStream().write("GET /load/download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().read(); // the answer has begun: the slot is taken
        return socket;
    }

    private static String writeAllThenRead(String head, boolean chunked) throws Exception {
        return writeAllThenRead(ts, head, chunked);
    }

    /** Writes the head and 10 MiB of body, all of it, and only then reads the answer until the server closes. */
    private static String writeAllThenRead(TestServer server, String head, boolean chunked) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) '1');
            for (int written = 0; written < TEN_MIB; written += block.length) {
                if (chunked) {
                    out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            // Read the head and body of one answer: the server may keep the connection open once the body is consumed.
            while ((n = in.read(buf)) >= 0) {
                answer.write(buf, 0, n);
                String text = answer.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && answered(text.substring(0, end), text.substring(end + 4))) {
                    break;
                }
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertEquals(-1, text.indexOf("Connection reset"), text);
            return text;
        }
    }
}
