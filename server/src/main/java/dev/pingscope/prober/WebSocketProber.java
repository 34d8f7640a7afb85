package dev.pingscope.prober;

import dev.pingscope.sample.Load;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One WebSocket connection to /ws (ws:// or wss://) on the JDK's WebSocket client. This thread sends echo
 * probes on the schedule, one at a time; the client answers the server's PINGs by itself, and its I/O
 * thread completes echoes and records the server's ping_rtt / ping_lost reports as ws_ping. Works
 * against any echo server (one that sends no hello or ping_rtt, too). A broken connection is opened again
 * by the next probe.
 */
final class WebSocketProber implements Runnable {
    private final HttpClient client;
    private final URI uri;
    private final ProbeRecorder echo;
    private final ProbeRecorder ping;
    private final Schedule schedule;
    private final Duration timeout;
    private final int warmup;
    private final long endNanos;
    private final String prefix;
    /** Where the kernel RTT of ping_rtt messages goes (the idle phase's connections ask for it), or null. */
    private final KernelReadings reference;
    private final Listener listener = new Listener();
    private volatile WebSocket socket;
    private volatile boolean closed = true;
    private volatile String awaited;
    private volatile long answeredNanos;
    private volatile Thread writer;

    /**
     * @param echo null to only hold the connection open and collect ws_ping reports
     * @param ping null to ignore the server's ping reports
     */
    WebSocketProber(HttpClient client, ProbeOptions options, ProbeRecorder echo, ProbeRecorder ping,
            Schedule schedule, long endNanos, int connection, Load load, KernelReadings reference) {
        this.client = client;
        // A loaded phase opens a WebSocket of its own, so that the server records its PINGs under the condition.
        // The idle phase's connections ask for their kernel RTT with each ping_rtt (docs/protocol.md).
        this.uri = Targets.webSocket(options.target(), load == Load.IDLE ? "/ws?ref=1" : "/ws?load=" + load.wireName());
        this.reference = reference;
        this.echo = echo;
        this.ping = ping;
        this.schedule = schedule;
        this.timeout = options.timeout();
        this.warmup = options.warmup();
        this.endNanos = endNanos;
        this.prefix = "e" + connection + "-";
    }

    @Override
    public void run() {
        writer = Thread.currentThread();
        try {
            if (echo == null) {
                holdForPings();
                return;
            }
            for (long probe = 0; ; probe++) {
                long intended = schedule.awaitNext();
                if (intended >= endNanos || Thread.currentThread().isInterrupted()) {
                    return;
                }
                echoOnce(intended, probe, probe >= warmup);
            }
        } finally {
            abort();
        }
    }

    private void holdForPings() {
        while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
            if (closed && !reconnect(ping)) {
                continue; // no PING was sent, so none is lost; the failure shows as last_error
            }
            LockSupport.parkNanos(endNanos - System.nanoTime());
        }
    }

    private void echoOnce(long intended, long probe, boolean counted) {
        if (closed && !reconnect(echo)) {
            if (counted) {
                echo.lost();
                echo.sent(intended, System.nanoTime());
            }
            return;
        }
        String payload = prefix + probe;
        answeredNanos = 0;
        awaited = payload;
        long sent = System.nanoTime();
        // A failed send ends the connection; the wait below then sees it closed.
        var unused = socket.sendText(payload, true).whenComplete((ws, failure) -> {
            if (failure != null) {
                connectionLost(failure);
            }
        });
        long deadline = sent + timeout.toNanos();
        long received;
        while ((received = answeredNanos) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                awaited = null;
                if (counted) {
                    echo.lost();
                    echo.sent(intended, sent);
                }
                return;
            }
            LockSupport.parkNanos(left);
        }
        if (counted) {
            echo.answered(intended, sent, received);
        }
    }

    /** Opens the connection; on failure records why, waits a little (not to hammer a server that is away) and says so. */
    private boolean reconnect(ProbeRecorder recorder) {
        abort();
        try {
            socket = client.newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .header("User-Agent", "pingscope-probe")
                    .buildAsync(uri, listener)
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            closed = false;
            // The upgrade answered: the protocol is known now, also from an echo server that sends no hello.
            recorder.served(uri.getScheme(), null);
            if (ping != null && ping != recorder) {
                ping.served(uri.getScheme(), null);
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            recorder.failed(e instanceof TimeoutException ? new IOException("WebSocket upgrade timed out") : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(100, timeout.toMillis())));
        return false;
    }

    private void connectionLost(Throwable failure) {
        closed = true;
        (echo != null ? echo : ping).failed(failure);
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    private void abort() {
        WebSocket s = socket;
        socket = null; // first, so that the listener takes what the abort causes for an old connection's
        closed = true;
        if (s != null) {
            s.abort();
        }
    }

    private void onMessage(String text, long receivedNanos) {
        String expected = awaited;
        if (expected != null && expected.equals(text)) {
            awaited = null;
            answeredNanos = receivedNanos;
            LockSupport.unpark(writer);
            return;
        }
        ServerMessage message = ServerMessage.parse(text);
        if (message == null) {
            return; // an echo that came after its timeout, or an echo server's own text
        }
        if (message.isHello()) {
            if (echo != null) {
                echo.served(uri.getScheme(), message.instance());
            }
            if (ping != null) {
                ping.served(uri.getScheme(), message.instance());
            }
        } else if (ping != null && message.isPingRtt()) {
            ping.measured(message.rttNanos());
            if (reference != null) {
                reference.ws(message.tcp());
            }
        } else if (ping != null && message.isPingLost()) {
            ping.lost();
        }
    }

    /** Runs on the client's I/O thread. Asks for every message at once, so PINGs are answered without delay. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder fragments = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            fragments.setLength(0);
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (last && fragments.length() == 0) {
                onMessage(data.toString(), now);
            } else {
                fragments.append(data);
                if (last) {
                    onMessage(fragments.toString(), now);
                    fragments.setLength(0);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            return null; // not part of the protocol
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            return null; // the client sends the PONG by itself
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (webSocket == socket) {
                connectionLost(new IOException("the server closed the WebSocket (" + statusCode + " " + reason + ")"));
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (webSocket == socket) {
                connectionLost(error);
            }
        }
    }
}
