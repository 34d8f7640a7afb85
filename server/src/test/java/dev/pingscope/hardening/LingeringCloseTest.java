package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static String head(String... fields) {
        return "POST /api/samples HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("\r\n", fields) + "\r\n\r\n";
    }

    /** Writes the head and 10 MiB of body, all of it, and only then reads the answer until the server closes. */
    private static String writeAllThenRead(String head, boolean chunked) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ts.server.port())) {
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
                if (end >= 0 && text.substring(end + 4).endsWith("}")) {
                    break;
                }
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertEquals(-1, text.indexOf("Connection reset"), text);
            return text;
        }
    }
}
