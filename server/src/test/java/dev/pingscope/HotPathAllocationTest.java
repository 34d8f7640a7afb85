package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The probe paths must add as little and as steady a delay as possible, so they must not allocate per
 * probe beyond what Jetty itself needs. This counts the bytes all server threads allocate per HEAD probe
 * and per echo, driven by a raw-socket client that itself allocates nothing per probe, and prints the
 * figures. The bounds are loose (a few times what was measured) so that they catch a regression such as
 * routing /ping through the servlet layer, not noise.
 */
@Isolated // timing and allocation: a busy neighbour would move its figures
class HotPathAllocationTest {
    private static final int WARMUP = 5_000;
    private static final int PROBES = 20_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void a_head_probe_allocates_little_on_the_server() throws Exception {
        try (TestServer ts = TestServer.start(); Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), ts.server.port())) {
            socket.setSoTimeout(10_000); // a read that never returns fails the test rather than hanging it
            byte[] request = "HEAD /ping HTTP/1.1\r\nHost: probe\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] buffer = new byte[4096];
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Runnable probe = () -> {
                try {
                    out.write(request);
                    readUntilBlankLine(in, buffer);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            double bytesPerProbe = serverBytesPerProbe(probe);
            System.out.printf("HEAD /ping: %.0f bytes allocated by the server per probe (Jetty's HTTP parsing included)%n",
                    bytesPerProbe);
            assertTrue(bytesPerProbe < 4_000, "bytes per HEAD probe: " + bytesPerProbe);
        }
    }

    @Test
    void a_websocket_echo_allocates_little_on_the_server() throws Exception {
        // At most one PING during the measurement (its first comes at a random point of the 60 s interval),
        // never reported lost, and no message rate cap: this client sends as fast as it can.
        TestConfig quiet = TestServer.testConfig().withTimeouts(Duration.ofSeconds(60), Duration.ofMinutes(5))
                .withIntervals(Duration.ofSeconds(60), Duration.ofHours(1))
                .with("--ws-max-messages-per-second", 1_000_000);
        try (TestServer ts = TestServer.start(quiet); Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), ts.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            out.write("""
                    GET /ws HTTP/1.1\r
                    Host: probe\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                    Sec-WebSocket-Version: 13\r
                    \r
                    """.getBytes(StandardCharsets.US_ASCII));
            String handshake = readUntilBlankLine(in, buffer);
            assertTrue(handshake.startsWith("HTTP/1.1 101"), handshake);
            readFrame(in, buffer); // hello
            byte[] payload = "e123456".getBytes(StandardCharsets.US_ASCII);
            byte[] mask = {0x11, 0x22, 0x33, 0x44};
            byte[] frame = new byte[6 + payload.length];
            frame[0] = (byte) 0x81; // FIN, text
            frame[1] = (byte) (0x80 | payload.length); // masked
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            Runnable echo = () -> {
                try {
                    out.write(frame);
                    int length = readFrame(in, buffer);
                    if (length != payload.length || !Arrays.equals(buffer, 0, length, payload, 0, length)) {
                        throw new AssertionError("echo differs");
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            double bytesPerEcho = serverBytesPerProbe(echo);
            System.out.printf("WebSocket echo: %.0f bytes allocated by the server per message (Jetty's framing and UTF-8 decoding included)%n",
                    bytesPerEcho);
            assertTrue(bytesPerEcho < 3_000, "bytes per echo: " + bytesPerEcho);
        }
    }

    @Test
    void a_download_allocates_nothing_per_chunk_on_the_server() throws Exception {
        int downloads = 20;
        long bytesEach = 64L << 20;
        try (TestServer ts = TestServer.start()) {
            byte[] request = ("GET /load/download?bytes=" + bytesEach + " HTTP/1.1\r\nHost: probe\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] buffer = new byte[256 * 1024];
            Runnable download = () -> {
                try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), ts.server.port())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(request);
                    InputStream in = socket.getInputStream();
                    long read = 0;
                    int n;
                    while (read < bytesEach && (n = in.read(buffer)) >= 0) {
                        read += n; // the head's few bytes count too: a little more than needed is read, never less
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            download.run(); // warm-up
            long before = allocatedByOthers();
            for (int i = 0; i < downloads; i++) {
                download.run();
            }
            double perMiB = (allocatedByOthers() - before) / (double) (downloads * (bytesEach >> 20));
            System.out.printf("GET /load/download: %.0f bytes allocated by the server per MiB sent (1 MiB slices)%n", perMiB);
            // A buffer per chunk would be at least 1 MiB per MiB; Jetty keeps a few hundred bytes of bookkeeping per write.
            assertTrue(perMiB < 1_024, "bytes allocated per MiB downloaded: " + perMiB);
        }
    }

    /**
     * Not a probe path, but what sets how often young collections stop every probe: the reporter's
     * interval. It used to allocate about 11 MB each time (a full-size buffer and a zlib stream for every
     * one of 74 histograms), which at a 1 s interval was nearly all the allocation of a server holding
     * 10,000 WebSockets. One series recording, the rest empty, as on a server most visitors use one way.
     */
    @Test
    void an_interval_report_allocates_little() throws Exception {
        int intervals = 20;
        try (TestServer ts = TestServer.start(TestServer.testConfig()
                .withTimeouts(Duration.ofSeconds(60), Duration.ofMinutes(5)).withIntervals(Duration.ofSeconds(60), Duration.ofHours(1)))) {
            String batch = "{\"samples\":{\"http_head\":[12.5,13.1,40.2,9.9,11.0]}}";
            for (int i = 0; i < 3; i++) { // warm-up: buffers sized, code compiled
                assertEquals(200, ts.post("/api/samples", "application/json", batch).statusCode());
                ts.server.reporter().reportNow();
            }
            long total = 0;
            for (int i = 0; i < intervals; i++) {
                assertEquals(200, ts.post("/api/samples", "application/json", batch).statusCode());
                long before = allocatedByReporters();
                ts.server.reporter().reportNow();
                total += allocatedByReporters() - before;
            }
            double perInterval = total / (double) intervals;
            System.out.printf("interval report: %.0f bytes allocated by the reporter per interval (48 series, one recording)%n",
                    perInterval);
            assertTrue(perInterval < 512 * 1024, "bytes per interval report: " + perInterval);
        }
    }

    private static long allocatedByReporters() {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("pingscope-reporter")) {
                total += Math.max(0, THREADS.getThreadAllocatedBytes(t.getId()));
            }
        }
        return total;
    }

    /** Bytes allocated by every thread but this one, per probe, after a warm-up. */
    private static double serverBytesPerProbe(Runnable probe) {
        for (int i = 0; i < WARMUP; i++) {
            probe.run();
        }
        long before = allocatedByOthers();
        for (int i = 0; i < PROBES; i++) {
            probe.run();
        }
        long after = allocatedByOthers();
        return (after - before) / (double) PROBES;
    }

    private static long allocatedByOthers() {
        long self = Thread.currentThread().getId();
        long[] ids = Arrays.stream(THREADS.getAllThreadIds()).filter(id -> id != self).toArray();
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    /** Reads one HTTP response head (a 204 has no body). */
    private static String readUntilBlankLine(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < 4 || !(buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after " + n + " bytes");
            buffer[n++] = (byte) b;
        }
        return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads the next unmasked server text frame (a payload under 64 KiB) into the buffer, passing over a
     * PING; returns its length.
     */
    private static int readFrame(InputStream in, byte[] buffer) throws IOException {
        int first = in.read();
        int length = readPayload(in, buffer);
        if (first == 0x89) {
            return readFrame(in, buffer);
        }
        assertEquals(0x81, first, "a final text frame");
        return length;
    }

    private static int readPayload(InputStream in, byte[] buffer) throws IOException {
        int length = in.read();
        if (length >= 126) {
            length = (in.read() << 8) | in.read();
        }
        int read = 0;
        while (read < length) {
            int n = in.read(buffer, read, length - read);
            if (n < 0) throw new IOException("closed");
            read += n;
        }
        return length;
    }
}
