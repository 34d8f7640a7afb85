package dev.pingscope.datagram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;

/**
 * A WebTransport client that does what an attacker may: Kwik's QUIC client with datagrams, the session's CONNECT
 * written by hand (any path, any origin, or none at all), and raw datagrams of any content. Tests use it
 * against the real listener beside a browser or a second, well-behaved client.
 */
final class WebTransportTestClient implements AutoCloseable {
    final QuicClientConnection connection;
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private QuicStream session;
    /** The CONNECT's answer: its :status and pingscope-error, once {@link #connect} returned. */
    int status;
    String error;

    private WebTransportTestClient(QuicClientConnection connection) {
        this.connection = connection;
        connection.setDatagramHandler(received::add);
    }

    /** A QUIC connection with ALPN h3 and datagrams, and no session yet. */
    static WebTransportTestClient open(int port) throws IOException {
        QuicClientConnection c = QuicClientConnection.newBuilder()
                .uri(URI.create("https://localhost:" + port))
                .applicationProtocol("h3")
                .noServerCertificateCheck()
                .enableDatagramExtension()
                .connectTimeout(Duration.ofSeconds(5))
                .logger(new NullLogger())
                .build();
        c.connect();
        return new WebTransportTestClient(c);
    }

    /** Opens a session with an extended CONNECT on {@code path} from {@code origin}; returns the :status. */
    int connect(String path, String origin) throws IOException {
        session = connection.createStream(true);
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        fields.write(0);
        fields.write(0);
        for (String[] f : List.of(new String[] {":method", "CONNECT"}, new String[] {":protocol", "webtransport"},
                new String[] {":scheme", "https"}, new String[] {":authority", "localhost"}, new String[] {":path", path},
                new String[] {"origin", origin})) {
            literal(fields, f[0], f[1]);
        }
        OutputStream out = session.getOutputStream();
        out.write(Http3Wire.frame(Http3Wire.FRAME_HEADERS, fields.toByteArray()));
        out.flush();
        Http3Wire.Frame answer = Http3Wire.readFrame(session.getInputStream(), 16 * 1024);
        if (answer == null) {
            throw new IOException("the session stream ended without an answer");
        }
        for (QpackFields.Field field : decode(answer.payload())) {
            if (field.name().equals(":status")) {
                status = Integer.parseInt(field.value());
            } else if (field.name().equals("pingscope-error")) {
                error = field.value();
            }
        }
        return status;
    }

    /** The session's quarter stream ID: the prefix its datagrams carry. */
    long quarterStreamId() {
        return session.getStreamId() / 4;
    }

    /** A udp_echo datagram of this session: prefix, then the 20 bytes of docs/protocol.md. */
    byte[] probe(long seq, int flags) {
        return probe(quarterStreamId(), seq, flags);
    }

    static byte[] probe(long quarterStreamId, long seq, int flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Http3Wire.writeVarint(out, quarterStreamId);
        ByteBuffer body = ByteBuffer.allocate(EchoDatagram.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt((int) seq).putDouble(System.nanoTime() / 1e6).putInt(7).putInt(flags);
        out.writeBytes(body.array());
        return out.toByteArray();
    }

    void send(byte[] datagram) {
        connection.sendDatagram(datagram);
    }

    /** The next datagram received within the wait, or null. */
    byte[] poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Sends seq and waits for its echo; returns the echo's count (the server's distinct seqs), or -1 for none. */
    long echo(long seq, long waitMillis) throws InterruptedException {
        send(probe(seq, 0));
        long end = System.nanoTime() + waitMillis * 1_000_000;
        for (long left = waitMillis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
            byte[] d = poll(left);
            if (d != null && seqOf(d) == seq) {
                return countOf(d);
            }
        }
        return -1;
    }

    static long seqOf(byte[] echo) {
        return ByteBuffer.wrap(echo, echo.length - EchoDatagram.LENGTH, EchoDatagram.LENGTH).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }

    static long countOf(byte[] echo) {
        return ByteBuffer.wrap(echo, echo.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }

    /** A literal field line with a literal name, no Huffman (RFC 9204, 4.5.6). */
    private static void literal(ByteArrayOutputStream out, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, 0x20, 3, n.length);
        out.writeBytes(n);
        integer(out, 0, 7, v.length);
        out.writeBytes(v);
    }

    private static void integer(ByteArrayOutputStream out, int pattern, int prefixBits, int value) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            out.write(pattern | value);
            return;
        }
        out.write(pattern | mask);
        int rest = value - mask;
        while (rest >= 0x80) {
            out.write((rest & 0x7f) | 0x80);
            rest >>= 7;
        }
        out.write(rest);
    }

    private static List<QpackFields.Field> decode(byte[] section) throws IOException {
        try {
            return QpackFields.decode(section);
        } catch (QpackFields.DecodingException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
