package dev.pingscope.datagram;

import dev.pingscope.datagram.DatagramCounters.Datagram;
import dev.pingscope.datagram.DatagramCounters.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ApplicationProtocolConnection;

/**
 * One QUIC connection from a browser, carrying at most one WebTransport session for udp_echo: the server's
 * control stream with its SETTINGS, the session's extended CONNECT on the first bidirectional stream (answered
 * 200, or 400/403/404 and closed), then datagrams echoed (docs/protocol.md). The session ends when its CONNECT
 * stream ends or the connection closes; a connection that has no session {@link DatagramListener#HANDSHAKE_TIMEOUT}
 * after it opened is closed, so that a client which never sends its CONNECT holds nothing.
 *
 * <p>Threads: Kwik calls {@link #acceptPeerInitiatedStream} on the connection's own callback thread, which
 * the CONNECT stream is then read on until it ends (that thread is the connection's anyway); datagrams run
 * {@link #accept} on the thread that parsed their packet (see {@link InlineExecutor}), one at a time.
 */
final class WebTransportSession implements ApplicationProtocolConnection, Consumer<byte[]> {
    /** Largest HEADERS frame read: a CONNECT is a few hundred bytes. */
    static final int MAX_HEADERS_BYTES = 16 * 1024;
    /** Most bytes read from the CONNECT stream after the answer (capsules), before the session is closed as abusive. */
    static final int MAX_CAPSULE_BYTES = 64 * 1024;
    /** Frames of unknown (reserved, RFC 9114 7.2.8) types skipped before HEADERS. */
    static final int MAX_SKIPPED_FRAMES = 8;

    private final QuicConnection connection;
    private final String client;
    private final DatagramListener listener;
    private final DatagramCounters counters;
    private final int maxPerSecond;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;
    /** The session's quarter stream ID, the prefix of its datagrams; -1 until its CONNECT is answered 200. */
    private volatile long quarterStreamId = -1;

    // Written only by the datagram thread.
    private final SeqWindow seqs = new SeqWindow();
    private long received;
    private long windowStartNanos;
    private int inWindow;

    WebTransportSession(QuicConnection connection, String client, DatagramListener listener) {
        this.connection = connection;
        this.client = client;
        this.listener = listener;
        this.counters = listener.counters();
        this.maxPerSecond = listener.settings().maxDatagramsPerSecond();
    }

    /** Opens the server's control stream; called once Kwik has the connection. */
    void open(ScheduledFuture<?> handshakeDeadline) {
        this.deadline = handshakeDeadline;
        connection.setDatagramHandler(this, InlineExecutor.INSTANCE);
        try {
            QuicStream control = connection.createStream(false);
            OutputStream out = control.getOutputStream();
            out.write(Http3Wire.controlStreamStart());
            out.flush(); // never closed: closing a control stream is a connection error (RFC 9114 6.2.1)
        } catch (IOException | RuntimeException e) {
            connection.close(Http3Wire.H3_NO_ERROR, "cannot open the control stream");
        }
    }

    /** Closes a connection that has no session yet (the deadline's task). */
    void closeIfNoSession() {
        if (quarterStreamId < 0) {
            counters.count(Session.HANDSHAKE_TIMEOUT);
            connection.close(Http3Wire.H3_REQUEST_REJECTED, "no WebTransport CONNECT within "
                    + DatagramListener.HANDSHAKE_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Gives back the admission slot, once; the listener calls it when the connection ends. */
    void ended() {
        if (released.compareAndSet(false, true)) {
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            listener.release(client);
        }
    }

    @Override
    public void acceptPeerInitiatedStream(QuicStream stream) {
        if (stream.isUnidirectional()) {
            // The client's control and QPACK streams: with no dynamic table nothing on them matters to the echo,
            // and flow control bounds what Kwik buffers of them.
            return;
        }
        if (quarterStreamId >= 0 || !stream.isClientInitiatedBidirectional()) {
            stream.resetStream(Http3Wire.H3_REQUEST_REJECTED); // one session per connection
            return;
        }
        try {
            serveConnect(stream);
        } catch (Http3Wire.WireException e) {
            counters.count(Session.PROTOCOL_ERROR);
            connection.close(e.errorCode, e.getMessage());
        } catch (QpackFields.DecodingException e) {
            counters.count(Session.PROTOCOL_ERROR);
            connection.close(Http3Wire.QPACK_DECOMPRESSION_FAILED, e.getMessage());
        } catch (IOException | RuntimeException e) {
            // the stream or the connection went away: the session, if any, is over
            connection.close(Http3Wire.H3_NO_ERROR, "session ended");
        }
    }

    private void serveConnect(QuicStream stream) throws IOException, QpackFields.DecodingException {
        InputStream in = stream.getInputStream();
        Http3Wire.Frame frame = Http3Wire.readFrame(in, MAX_HEADERS_BYTES);
        for (int skipped = 0; frame != null && frame.type() != Http3Wire.FRAME_HEADERS; skipped++) {
            if (frame.type() == Http3Wire.FRAME_DATA || skipped == MAX_SKIPPED_FRAMES) {
                throw new Http3Wire.WireException(Http3Wire.H3_FRAME_ERROR, "a request must start with HEADERS");
            }
            frame = Http3Wire.readFrame(in, MAX_HEADERS_BYTES);
        }
        if (frame == null) {
            return;
        }
        ConnectRequest request = ConnectRequest.of(QpackFields.decode(frame.payload()));
        ConnectRequest.Refusal refusal = request.refusal() != null ? request.refusal() : listener.refusal(request);
        OutputStream out = stream.getOutputStream();
        if (refusal != null) {
            counters.count(refusal.status() == 403 ? Session.REFUSED_ORIGIN : Session.REFUSED_REQUEST);
            out.write(Http3Wire.frame(Http3Wire.FRAME_HEADERS, QpackFields.encodeResponse(refusal.status(),
                    List.of(new QpackFields.Field("pingscope-error", refusal.reason())))));
            out.close();
            return;
        }
        out.write(Http3Wire.frame(Http3Wire.FRAME_HEADERS, QpackFields.encodeResponse(200,
                List.of(new QpackFields.Field("sec-webtransport-http3-draft", "draft02")))));
        out.flush();
        quarterStreamId = stream.getStreamId() / 4;
        counters.count(Session.OPENED);
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        // Capsules (a CLOSE_WEBTRANSPORT_SESSION, say) are not needed: the stream's end ends the session.
        byte[] discard = new byte[512];
        long total = 0;
        for (int n; (n = in.read(discard)) >= 0; ) {
            total += n;
            if (total > MAX_CAPSULE_BYTES) {
                throw new Http3Wire.WireException(Http3Wire.H3_EXCESSIVE_LOAD, "more than " + MAX_CAPSULE_BYTES
                        + " bytes of capsules on a session stream");
            }
        }
        connection.close(Http3Wire.H3_NO_ERROR, "session closed by the client");
    }

    /** One datagram: echoed in place when it is a new seq of this session (the hot path: no allocation here). */
    @Override
    public void accept(byte[] data) {
        int prefix = Http3Wire.varintLength(data, 0);
        if (prefix == 0) {
            counters.count(Datagram.MALFORMED);
            return;
        }
        long session = quarterStreamId;
        if (session < 0 || Http3Wire.varintAt(data, 0, prefix) != session) {
            counters.count(Datagram.WRONG_SESSION);
            return;
        }
        if (data.length - prefix != EchoDatagram.LENGTH) {
            counters.count(Datagram.MALFORMED);
            return;
        }
        long now = System.nanoTime();
        if (now - windowStartNanos >= 1_000_000_000L) {
            windowStartNanos = now;
            inWindow = 0;
        }
        if (++inWindow > maxPerSecond) {
            counters.count(Datagram.RATE_LIMITED);
            return;
        }
        if (EchoDatagram.isCountRequest(data, prefix)) {
            EchoDatagram.writeCount(data, prefix, received);
            send(data);
            counters.count(Datagram.COUNT_ANSWERED);
            return;
        }
        if (!seqs.accept(EchoDatagram.seq(data, prefix))) {
            counters.count(Datagram.DUPLICATE);
            return;
        }
        received++;
        EchoDatagram.writeCount(data, prefix, received);
        send(data);
        counters.count(Datagram.ECHOED);
    }

    private void send(byte[] data) {
        try {
            connection.sendDatagram(data);
        } catch (RuntimeException closing) {
            // the connection is closing: the echo is lost, as a datagram may be
        }
    }
}
