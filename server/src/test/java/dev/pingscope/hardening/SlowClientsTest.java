package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Clients that hold resources by being slow: both are dropped within their timeouts, and the heap stays bounded. */
@Isolated // it reads the JVM's heap, which a neighbour's allocations would grow
class SlowClientsTest {
    static TestServer ts;
    static Bystander bystander;

    @BeforeAll
    static void start() throws IOException {
        ts = TestServer.start(TestServer.testConfig().unlimited().with("--ws-max-queued-frames", 16)
                .with("--request-header-timeout", Duration.ofSeconds(1)));
        bystander = new Bystander(ts, 50);
    }

    @AfterAll
    static void stop() {
        bystander.close();
        ts.close();
    }

    @AfterEach
    void bystander_still_echoes() throws Exception {
        bystander.assertEchoes();
    }

    @Test
    void a_slowloris_client_sending_its_headers_a_byte_at_a_time_is_dropped_at_the_header_deadline() throws Exception {
        try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), ts.server.port())) {
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request = "GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean dropped = false;
            for (int i = 0; i < request.length && !dropped; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                } catch (IOException e) {
                    dropped = true;
                    break;
                }
                try {
                    dropped = in.read() < 0; // nothing to read until the server gives up on us
                } catch (SocketTimeoutException e) {
                    // still connected; the 100 ms read timeout paces the bytes
                } catch (IOException e) {
                    dropped = true;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("slowloris client dropped after %.2f s (deadline 1 s)%n", seconds);
            assertTrue(dropped, "dropped before its request was complete");
            assertTrue(seconds >= 0.9 && seconds < 2.5, "at the 1 s deadline: " + seconds);
        }
    }

    @Test
    void a_client_that_never_reads_is_disconnected_and_the_heap_stays_bounded() throws Exception {
        long heapBefore = usedHeapAfterGc();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
            socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), ts.server.port()));
            OutputStream out = socket.getOutputStream();
            out.write("""
                    GET /ws HTTP/1.1\r
                    Host: x\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Version: 13\r
                    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                    \r
                    """.getBytes(StandardCharsets.US_ASCII));
            byte[] frame = maskedText(1000);
            long sent = 0;
            boolean disconnected = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!disconnected && System.nanoTime() < deadline) {
                try {
                    out.write(frame); // the server echoes each one; nobody reads the echoes
                    sent += frame.length;
                } catch (IOException e) {
                    disconnected = true;
                }
            }
            long heapAfter = usedHeapAfterGc();
            System.out.printf("never-reading client: %d KiB sent before the server dropped it; server heap %d KiB -> %d KiB%n",
                    sent / 1024, heapBefore / 1024, heapAfter / 1024);
            assertTrue(disconnected, "the server dropped the client that never reads");
            assertTrue(heapAfter - heapBefore < 16L << 20, "the heap grew by less than 16 MiB: " + (heapAfter - heapBefore));
        }
    }

    private static byte[] maskedText(int length) {
        byte[] frame = new byte[8 + length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | 126);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 4, 4);
        for (int i = 0; i < length; i++) {
            frame[8 + i] = (byte) ('z' ^ mask[i & 3]);
        }
        return frame;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
