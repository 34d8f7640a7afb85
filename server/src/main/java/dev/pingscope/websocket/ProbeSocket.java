package dev.pingscope.websocket;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Source;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One WebSocket connection on /ws (see docs/protocol.md).
 *
 * <ul>
 *   <li>Echo: every text message goes straight back, unchanged, from the thread that read it: no parsing,
 *       no logging, no lock. A message sent in fragments goes back fragment by fragment, and the server's
 *       own messages wait until its last one (a data frame may not split a fragmented message).</li>
 *   <li>Server PINGs: at each tick the server sends a PING whose 8-byte payload is its System.nanoTime();
 *       the PONG carries it back, giving the RTT as seen by the server without the client's JavaScript.
 *       Only payloads of PINGs still outstanding count, each once, so a client cannot forge or replay
 *       samples. The RTT is recorded as ws_ping/server, under the connection's load condition, and told
 *       to the client in a ping_rtt message.
 *       A PING unanswered after the timeout counts as lost and is told in a ping_lost message.</li>
 * </ul>
 *
 * Limits, cheap enough for the echo path: a message above the size limit closes with 1009, more than
 * the allowed messages in one second with 1008; a client that does not read its answers is disconnected
 * once Jetty holds too many frames for it; a client from which nothing (not even a PONG) arrives for the
 * idle timeout is closed with 1001; a fragmented message left unfinished while 32 server messages wait
 * (fewer with a small --ws-max-queued-frames) closes with 1008.
 *
 * <p>Jetty calls the listener methods one at a time for a connection; the pinger thread calls
 * {@link #sendPing}, so the PING bookkeeping is guarded by this object's monitor (never held when echoing
 * a whole message).
 */
public final class ProbeSocket implements Session.Listener.AutoDemanding {
    private final WebSocketProbes probes;
    private final String clientAddress;
    /** The condition this connection's PINGs are recorded under, fixed at the upgrade (/ws?load=…). */
    private final Load load;
    /** One callback for every send: a send that Jetty refuses (too many queued frames) disconnects. */
    private final Callback disconnectOnFailure = Callback.from(() -> {}, failure -> disconnect());
    private final long[] outstandingSentNanos;
    private final long[] outstandingSeq;
    private volatile Session session;
    private ScheduledFuture<?> pingTask;
    private long pingSeq;
    private int messageChars;
    private long rateWindowStartNanos;
    private int messagesInWindow;
    private volatile long lastReceivedNanos = System.nanoTime();
    private boolean closed;
    /**
     * True while an echo goes out in fragments. RFC 6455 forbids another data frame until its last
     * fragment, so server messages wait in {@link #heldMessages} meanwhile. Written by the reader thread
     * under this monitor; the reader alone may read it without.
     */
    private boolean echoOpen;
    private List<String> heldMessages;

    ProbeSocket(WebSocketProbes probes, String clientAddress, Load load) {
        this.probes = probes;
        this.clientAddress = clientAddress;
        this.load = load;
        this.outstandingSentNanos = new long[probes.pingSlots()];
        this.outstandingSeq = new long[probes.pingSlots()];
    }

    @Override
    public void onWebSocketOpen(Session session) {
        synchronized (this) {
            this.session = session;
            // Counted before the hello goes out, so a client that has read its hello sees itself in the gauge.
            // The first PING waits for this monitor, so the hello is still the first frame.
            pingTask = probes.opened(this);
            sendServerMessage(probes.helloMessage);
        }
    }

    /**
     * Echoes text as it arrives, fragment by fragment, so a fragmented message comes back whole and
     * unchanged. Jetty's partial-text path decodes without the 4 KiB per-message buffer that its
     * whole-message path allocates (measured by HotPathAllocationTest).
     */
    @Override
    public void onWebSocketPartialText(String payload, boolean fin) {
        long now = System.nanoTime();
        lastReceivedNanos = now;
        messageChars += payload.length();
        if (messageChars > probes.maxMessageChars) {
            // Jetty limits each frame; this limits a message sent in many small frames.
            session.close(StatusCode.MESSAGE_TOO_LARGE, "message above " + probes.maxMessageChars + " characters", Callback.NOOP);
            return;
        }
        if (fin) {
            messageChars = 0;
            if (now - rateWindowStartNanos > 1_000_000_000L) {
                rateWindowStartNanos = now;
                messagesInWindow = 0;
            }
            if (++messagesInWindow > probes.maxMessagesPerSecond) {
                session.close(StatusCode.POLICY_VIOLATION,
                        "more than " + probes.maxMessagesPerSecond + " messages in one second", Callback.NOOP);
                return;
            }
        }
        if (fin && !echoOpen) {
            // A whole message, the usual case: no lock on the hot path.
            session.sendPartialText(payload, true, disconnectOnFailure);
        } else {
            sendFragment(payload, fin);
        }
    }

    /** Echoes one fragment of a message sent in parts; after its last, sends the server messages held back. */
    private synchronized void sendFragment(String payload, boolean fin) {
        session.sendPartialText(payload, fin, disconnectOnFailure);
        echoOpen = !fin;
        if (fin && heldMessages != null) {
            for (String message : heldMessages) {
                session.sendText(message, disconnectOnFailure);
            }
            heldMessages = null;
        }
    }

    /** Sends a server message (hello, ping_rtt, ping_lost) now, or after the echo now going out in fragments. */
    private synchronized void sendServerMessage(String json) {
        if (!echoOpen) {
            session.sendText(json, disconnectOnFailure);
            return;
        }
        if (heldMessages == null) {
            heldMessages = new ArrayList<>();
        }
        if (heldMessages.size() == probes.maxHeldMessages) {
            session.close(StatusCode.POLICY_VIOLATION, "a fragmented message was left unfinished for "
                    + probes.maxHeldMessages + " server messages", Callback.NOOP);
            return;
        }
        heldMessages.add(json);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        session.close(StatusCode.BAD_DATA, "binary messages are not supported; send text", Callback.NOOP);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        long receivedNanos = System.nanoTime();
        lastReceivedNanos = receivedNanos;
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
        sendServerMessage(ServerMessages.pingRtt(seq, rttNanos));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        release();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        release();
    }

    /** Called by the pinger thread at every tick. */
    synchronized void sendPing() {
        if (closed || session == null || !session.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastReceivedNanos > probes.idleTimeout.toNanos()) {
            // Jetty's own idle timeout never fires here: our PINGs are traffic too. Nothing came back.
            session.close(StatusCode.SHUTDOWN, "idle: nothing received for " + probes.idleTimeout.toMillis() + " ms",
                    Callback.NOOP);
            return;
        }
        int free = expireLostPings(now);
        pingSeq++;
        outstandingSentNanos[free] = now;
        outstandingSeq[free] = pingSeq;
        session.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, now), disconnectOnFailure);
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
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(StatusCode.SHUTDOWN, reason, Callback.NOOP);
        }
    }

    String clientAddress() {
        return clientAddress;
    }

    private void disconnect() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
        release();
    }

    private synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        if (pingTask != null) {
            pingTask.cancel(false);
        }
        probes.closed(this, pingTask != null);
    }
}
