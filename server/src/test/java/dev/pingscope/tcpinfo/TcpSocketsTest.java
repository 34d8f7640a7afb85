package dev.pingscope.tcpinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** TCP_INFO and TCP_NOTSENT_LOWAT on real loopback connections, checked against what {@code ss} reads from the kernel. */
class TcpSocketsTest {
    @Test
    void the_figures_read_are_the_kernels_as_ss_reports_them() throws Exception {
        assertNull(TcpSockets.unavailableReason(), "this suite runs on Linux with sun.nio.ch exported");
        try (Pair pair = new Pair()) {
            for (int i = 0; i < 20; i++) { // some round trips, so that the RTT estimates have samples
                pair.client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
                pair.server.read(ByteBuffer.allocate(16));
                pair.server.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
                pair.client.read(ByteBuffer.allocate(16));
            }
            Thread.sleep(50); // the last ACKs land; the connection then stays idle while both read it
            TcpInfo info = TcpSockets.read(pair.client).orElseThrow();
            String ss = ss(pair.client);
            assertEquals((double) millisToMicros(group(ss, "rtt:([0-9.]+)/")), (double) info.rttMicros(), 1.0, ss);
            assertEquals((double) millisToMicros(group(ss, "rtt:[0-9.]+/([0-9.]+)")), (double) info.rttVarMicros(), 1.0, ss);
            assertEquals((double) millisToMicros(group(ss, "minrtt:([0-9.]+)")), (double) info.minRttMicros(), 1.0, ss);
            assertEquals(Long.parseLong(group(ss, "segs_out:([0-9]+)")), info.segmentsOut(), ss);
            assertEquals(Long.parseLong(group(ss, "segs_in:([0-9]+)")), info.segmentsIn(), ss);
            assertTrue(info.minRttMicros() > 0 && info.minRttMicros() <= info.rttMicros() + info.rttVarMicros(), info.toString());
        }
    }

    @Test
    void a_closed_channel_reads_as_nothing() throws Exception {
        SocketChannel closed;
        try (Pair pair = new Pair()) {
            closed = pair.client;
        }
        assertTrue(TcpSockets.read(closed).isEmpty());
        assertTrue(!TcpSockets.limitUnsent(closed, 16 * 1024));
        assertTrue(TcpSockets.read(null).isEmpty());
    }

    @Test
    void a_low_unsent_mark_keeps_the_senders_own_queue_short() throws Exception {
        long without = unsentAfterFilling(-1);
        long with = unsentAfterFilling(16 * 1024);
        assertTrue(with <= 16 * 1024 + 64 * 1024, "with TCP_NOTSENT_LOWAT 16 KiB: " + with + " bytes unsent");
        assertTrue(without > 4 * with, "without it the socket buffer holds far more: " + without + " against " + with);
    }

    /** Writes without a reader until the socket takes no more; the bytes that sit unsent in the sender's buffer. */
    private static long unsentAfterFilling(int lowat) throws IOException {
        try (Pair pair = new Pair()) {
            if (lowat > 0) {
                assertTrue(TcpSockets.limitUnsent(pair.client, lowat));
            }
            pair.client.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            int idle = 0;
            while (idle < 20) {
                chunk.clear();
                if (pair.client.write(chunk) == 0) {
                    idle++;
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                } else {
                    idle = 0;
                }
            }
            return TcpSockets.read(pair.client).orElseThrow().notSentBytes();
        }
    }

    private static long millisToMicros(String ms) {
        return Math.round(Double.parseDouble(ms) * 1000);
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }

    /** {@code ss -tin} for this one connection. */
    private static String ss(SocketChannel channel) throws Exception {
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        Process p = new ProcessBuilder("ss", "-tinH", "src", "127.0.0.1:" + local.getPort(), "dst",
                "127.0.0.1:" + remote.getPort()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** A connected loopback pair of blocking channels. */
    private static final class Pair implements AutoCloseable {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        final SocketChannel client;
        final SocketChannel server;

        Pair() throws IOException {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }
}
