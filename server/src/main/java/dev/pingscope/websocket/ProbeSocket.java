package dev.pingscope.websocket;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Source;
import dev.pingscope.tcpinfo.KernelReference;
import dev.pingscope.tcpinfo.TcpInfo;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One WebSocket connection on /ws (see docs/protocol.md), on Jetty's websocket-core API: frames in,
 * frames out, with no message layer, no per-connection method handles and no retained upgrade request.
 *
 * <ul>
 *   <li>Echo: every text frame goes straight back, unchanged, from the thread that read it: the received
 *       bytes themselves (checked as UTF-8, never decoded), no parsing, no logging, no lock. A message sent
 *       in fragments goes back fragment by fragment, and the server's own messages wait until its last one
 *       (a data frame may not split a fragmented message).</li>
 *   <li>Server PINGs: at each tick of the {@link PingWheel} the server sends a PING whose 8-byte payload is
 *       its System.nanoTime(); the PONG carries it back, giving the RTT as seen by the server without the
 *       client's JavaScript. Only payloads of PINGs still outstanding count, each once, so a client cannot
 *       forge or replay samples. The RTT is recorded as ws_ping/server, under the connection's load
 *       condition, and told to the client in a ping_rtt message.
 *       A PING unanswered after the timeout counts as lost and is told in a ping_lost message.</li>
 * </ul>
 *
 * Limits, cheap enough for the echo path: a message above the size limit closes with 1009, more than
 * the allowed messages in one second with 1008, invalid UTF-8 with 1007, a binary message with 1003; a
 * client that does not read its answers is disconnected once Jetty holds too many frames for it; a
 * client from which nothing (not even a PONG) arrives for the idle timeout is closed with 1001; a
 * fragmented message left unfinished while 32 server messages wait (fewer with a small
 * --ws-max-queued-frames) closes with 1008.
 *
 * <p>Jetty delivers frames one at a time for a connection, each after a {@code demand()}; the pinger
 * thread calls {@link #sendPing}, so the PING bookkeeping is guarded by this object's monitor (never held
 * when echoing a whole message).
 */
public final class ProbeSocket implements FrameHandler {
    private final WebSocketProbes probes;
    private final String clientAddress;
    /** The condition this connection's PINGs are recorded under, fixed at the upgrade (/ws?load=…). */
    private final Load load;
    /** Its PING interval and whether it gets its kernel RTT, as asked at the upgrade. */
    private final ConnectionAsks asks;
    /** The kernel's RTT of this connection as a ping_rtt member, read after each PING by the pinger thread; "" when not asked. */
    private volatile String tcp = "";
    /** For sends that complete no received frame: a send that Jetty refuses (too many queued frames) disconnects. */
    private final Callback disconnectOnFailure = new SendFailure(this);
    private final long[] outstandingSentNanos;
    private final long[] outstandingSeq;
    private volatile CoreSession session;
    /** The ping wheel's slot this connection is in; -1 until opened. */
    private int wheelSlot = -1;
    private long pingSeq;
    private long messageBytes;
    private int utf8 = Utf8Check.BOUNDARY;
    private long rateWindowStartNanos;
    private int messagesInWindow;
    private volatile long lastReceivedNanos = System.nanoTime();
    /** Set when the admission slot goes back (closed, disconnected, or the upgrade failed), so it goes back once. */
    private boolean closed;
    /** Set by the reader thread once it has closed the connection: it echoes nothing more. */
    private boolean closing;
    /**
     * True while an echo goes out in fragments. RFC 6455 forbids another data frame until its last
     * fragment, so server messages wait in {@link #heldMessages} meanwhile. Written by the reader thread
     * under this monitor; the reader alone may read it without.
     */
    private boolean echoOpen;
    private List<String> heldMessages;

    ProbeSocket(WebSocketProbes probes, String clientAddress, Load load, ConnectionAsks asks) {
        this.probes = probes;
        this.clientAddress = clientAddress;
        this.load = load;
        this.asks = asks;
        this.outstandingSentNanos = new long[probes.pingSlots(asks.pingInterval())];
        this.outstandingSeq = new long[probes.pingSlots(asks.pingInterval())];
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        synchronized (this) {
            if (closed) {
                // Its slot went back with its upgrade (upgradeFailed), which Jetty does not then open: should a
                // Jetty version do so anyway, the socket is neither counted nor kept, and Jetty closes it.
                callback.failed(new IllegalStateException("the upgrade ended before the socket opened"));
                return;
            }
            this.session = coreSession;
            if (asks.reference()) {
                // The handshake's figures, so that even the first ping_rtt carries them: its PONG can be read on
                // the selector before the pinger thread has read TCP_INFO after that PING.
                tcp = KernelReference.json(KernelReference.read(asks.channel(), asks.direct()), asks.direct());
            }
            // Counted before the hello goes out, so a client that has read its hello sees itself in the gauge.
            // The first PING waits for this monitor, so the hello is still the first frame.
            wheelSlot = probes.opened(this, asks);
            sendServerMessage(probes.helloFor(asks));
        }
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        long now = System.nanoTime();
        lastReceivedNanos = now;
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.CONTINUATION -> {
                if (closing) {
                    callback.succeeded(); // what follows our CLOSE is not echoed
                } else {
                    echo(frame, callback, now);
                }
            }
            case OpCode.PONG -> {
                onPong(frame.getPayload(), now);
                callback.succeeded();
            }
            // Jetty leaves answering a PING to the handler; the PONG carries its payload back.
            case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
                    new AfterSend(this, callback), false);
            case OpCode.BINARY -> {
                callback.succeeded();
                closeFromReader(CloseStatus.BAD_DATA, "binary messages are not supported; send text");
            }
            default -> {
                callback.succeeded(); // a CLOSE: Jetty answers it now, and reads no more
                return;
            }
        }
        // One demand for each frame but a CLOSE: the next frame, or the client's answer to our CLOSE.
        session.demand();
    }

    /**
     * Echoes a text frame as it arrives, so a fragmented message comes back whole and unchanged. The
     * received buffer itself goes back: it is released (the callback completed) once written.
     */
    private void echo(Frame frame, Callback callback, long now) {
        boolean fin = frame.isFin();
        ByteBuffer payload = frame.getPayload();
        messageBytes += frame.getPayloadLength();
        if (messageBytes > probes.maxMessageBytes) {
            // Jetty cuts big frames into fragments; this limits the message, however it is cut.
            callback.succeeded();
            closeFromReader(CloseStatus.MESSAGE_TOO_LARGE, "message above " + probes.maxMessageBytes + " bytes");
            return;
        }
        if (payload != null) {
            utf8 = Utf8Check.scan(utf8, payload);
        }
        if (utf8 == Utf8Check.INVALID || (fin && utf8 != Utf8Check.BOUNDARY)) {
            callback.succeeded();
            closeFromReader(CloseStatus.BAD_PAYLOAD, "text is not valid UTF-8");
            return;
        }
        if (fin) {
            messageBytes = 0;
            if (now - rateWindowStartNanos > 1_000_000_000L) {
                rateWindowStartNanos = now;
                messagesInWindow = 0;
            }
            if (++messagesInWindow > probes.maxMessagesPerSecond) {
                callback.succeeded();
                closeFromReader(CloseStatus.POLICY_VIOLATION, "more than " + probes.maxMessagesPerSecond + " messages in one second");
                return;
            }
        }
        Frame echo = new Frame(frame.getOpCode(), fin, payload == null ? BufferUtil.EMPTY_BUFFER : payload);
        Callback written = new AfterSend(this, callback);
        if (fin && !echoOpen) {
            // A whole message, the usual case: no lock on the hot path.
            session.sendFrame(echo, written, false);
        } else {
            sendFragment(echo, written);
        }
    }

    /** Echoes one fragment of a message sent in parts; after its last, sends the server messages held back. */
    private synchronized void sendFragment(Frame echo, Callback written) {
        session.sendFrame(echo, written, false);
        echoOpen = !echo.isFin();
        if (!echoOpen && heldMessages != null) {
            for (String message : heldMessages) {
                sendText(message);
            }
            heldMessages = null;
        }
    }

    /** Sends a server message (hello, ping_rtt, ping_lost) now, or after the echo now going out in fragments. */
    private synchronized void sendServerMessage(String json) {
        if (!echoOpen) {
            sendText(json);
            return;
        }
        if (heldMessages == null) {
            heldMessages = new ArrayList<>();
        }
        if (heldMessages.size() == probes.maxHeldMessages) {
            close(CloseStatus.POLICY_VIOLATION, "a fragmented message was left unfinished for "
                    + probes.maxHeldMessages + " server messages");
            return;
        }
        heldMessages.add(json);
    }

    private void sendText(String json) {
        session.sendFrame(new Frame(OpCode.TEXT, json), disconnectOnFailure, false);
    }

    /** Closes for something the client sent; the frames it sent after that are read (for its CLOSE) but not echoed. */
    private void closeFromReader(int status, String reason) {
        closing = true;
        close(status, reason);
    }

    private void close(int status, String reason) {
        session.close(status, reason, Callback.NOOP);
    }

    private void onPong(ByteBuffer payload, long receivedNanos) {
        if (payload == null || payload.remaining() != Long.BYTES) {
            return; // An unsolicited PONG (a heartbeat) is allowed by RFC 6455 and ignored.
        }
        long sentNanos = payload.getLong(payload.position());
        long seq = claimOutstanding(sentNanos);
        if (seq < 0) {
            return;
        }
        long rttNanos = receivedNanos - sentNanos;
        probes.recorders.recordNanos(ProbeKind.WS_PING, Source.SERVER, Site.NONE, load, rttNanos);
        sendServerMessage(ServerMessages.pingRtt(seq, rttNanos, tcp));
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        // onClosed follows.
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        release();
        callback.succeeded();
    }

    /** The upgrade ended without this socket ever opening (see WebSocketAdmission): its slot goes back. */
    void upgradeFailed() {
        release();
    }

    /**
     * Called by the pinger thread once per ping interval (the server's, or the one this connection asked for).
     * The bookkeeping is under this object's monitor; the PING goes out after it, so that a PONG read on the
     * selector thread meanwhile never waits for the pinger's write.
     */
    void sendPing() {
        CoreSession s;
        long now;
        synchronized (this) {
            s = session;
            if (closed || s == null || !s.isOutputOpen()) {
                return;
            }
            now = System.nanoTime();
            if (now - lastReceivedNanos > probes.idleTimeout.toNanos()) {
                // Jetty's own idle timeout never fires here: our PINGs are traffic too. Nothing came back.
                close(CloseStatus.SHUTDOWN, "idle: nothing received for " + probes.idleTimeout.toMillis() + " ms");
                return;
            }
            int free = expireLostPings(now);
            pingSeq++;
            outstandingSentNanos[free] = now;
            outstandingSeq[free] = pingSeq;
        }
        s.sendFrame(new Frame(OpCode.PING, ByteBuffer.allocate(Long.BYTES).putLong(0, now)), disconnectOnFailure, false);
        if (asks.reference()) {
            // After the PING left, off the reader's path: the figures include the last PONG's ACK.
            Optional<TcpInfo> info = KernelReference.read(asks.channel(), asks.direct());
            info.ifPresent(i -> probes.kernelRttMicros.accept(i.minRttMicros()));
            tcp = KernelReference.json(info, asks.direct());
        }
    }

    /** Counts PINGs past their timeout as lost, and returns a free slot for the next one. */
    private int expireLostPings(long now) {
        long timeoutNanos = probes.pingTimeout.toNanos();
        int free = -1;
        int oldest = 0;
        for (int i = 0; i < outstandingSentNanos.length; i++) {
            long sent = outstandingSentNanos[i];
            if (sent != 0 && now - sent >= timeoutNanos) {
                reportLost(i);
            }
            if (outstandingSentNanos[i] == 0) {
                free = free < 0 ? i : free;
            } else if (outstandingSentNanos[i] - outstandingSentNanos[oldest] < 0) {
                oldest = i;
            }
        }
        if (free < 0) {
            // Cannot happen with slots = timeout / interval + 2, but never grow: the oldest is lost.
            reportLost(oldest);
            free = oldest;
        }
        return free;
    }

    private void reportLost(int slot) {
        long seq = outstandingSeq[slot];
        outstandingSentNanos[slot] = 0;
        probes.pingLost.run();
        sendServerMessage(ServerMessages.pingLost(seq));
    }

    /** @return the sequence number of the outstanding PING with this payload (now answered), or -1 */
    private synchronized long claimOutstanding(long sentNanos) {
        if (sentNanos == 0) {
            return -1;
        }
        for (int i = 0; i < outstandingSentNanos.length; i++) {
            if (outstandingSentNanos[i] == sentNanos) {
                outstandingSentNanos[i] = 0;
                return outstandingSeq[i];
            }
        }
        return -1;
    }

    /** Closes with 1001 (going away): the server is shutting down. */
    void goAway(String reason) {
        CoreSession s = session;
        if (s != null && s.isOutputOpen()) {
            s.close(CloseStatus.SHUTDOWN, reason, Callback.NOOP);
        }
    }

    String clientAddress() {
        return clientAddress;
    }

    /** A send failed: if the output is still open, Jetty refused it (too many frames queued) and we drop the client. */
    void sendFailed(Throwable failure) {
        if (!(failure instanceof ClosedChannelException)) {
            disconnect();
        }
    }

    void disconnect() {
        CoreSession s = session;
        if (s != null) {
            s.abort();
        }
        release();
    }

    private synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        probes.closed(this, wheelSlot, asks);
    }

    /** Completes a received frame once what answers it (its echo, a PONG) is written; a failed write disconnects. */
    private record AfterSend(ProbeSocket socket, Callback received) implements Callback {
        @Override
        public void succeeded() {
            received.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            received.succeeded(); // the frame itself was fine: release its buffer
            socket.sendFailed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** The callback of the server's own messages and PINGs. */
    private record SendFailure(ProbeSocket socket) implements Callback {
        @Override
        public void failed(Throwable failure) {
            socket.sendFailed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
