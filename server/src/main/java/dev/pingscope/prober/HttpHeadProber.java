package dev.pingscope.prober;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One kept-alive HTTP/1.1 connection sending {@code HEAD /ping} on its schedule, one probe at a time
 * (a probe that is due while the previous one is unanswered waits, and its corrected latency shows it).
 * A raw socket, so that the client adds as little and as steady a delay as it can: the request bytes
 * are built once and the answer is read into a reused buffer.
 */
final class HttpHeadProber implements Runnable {
    private final URI target;
    private final ProbeRecorder recorder;
    private final Schedule schedule;
    private final int timeoutMillis;
    private final int warmup;
    private final long endNanos;
    private final byte[] request;
    private final byte[] head = new byte[8192];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpHeadProber(URI target, ProbeRecorder recorder, Schedule schedule, Duration timeout, int warmup, long endNanos) {
        this.target = target;
        this.recorder = recorder;
        this.schedule = schedule;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
        this.warmup = warmup;
        this.endNanos = endNanos;
        String hostHeader = target.getHost() + (target.getPort() > 0 ? ":" + target.getPort() : "");
        this.request = ("HEAD " + Targets.path(target, "/ping") + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nUser-Agent: pingscope-probe\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void run() {
        try {
            for (long probe = 0; ; probe++) {
                long intended = schedule.awaitNext();
                if (intended >= endNanos || Thread.currentThread().isInterrupted()) {
                    return;
                }
                probeOnce(intended, probe >= warmup);
            }
        } finally {
            closeQuietly();
        }
    }

    private void probeOnce(long intended, boolean counted) {
        long sent = System.nanoTime();
        try {
            if (socket == null) {
                connect();
                sent = System.nanoTime();
            }
            out.write(request);
            out.flush();
            int status = readStatusAndHead();
            long received = System.nanoTime();
            if (status != 204 && status != 200) {
                throw new IOException("HTTP status " + status);
            }
            if (counted) {
                recorder.answered(intended, sent, received);
            }
        } catch (IOException e) {
            // No answer in time, or the connection broke: the probe is lost, the next one reconnects.
            recorder.failed(e);
            if (counted) {
                recorder.lost();
                recorder.sent(intended, sent);
            }
            closeQuietly();
            if (!(e instanceof SocketTimeoutException)) {
                pauseBeforeReconnect();
            }
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(target.getHost(), Targets.port(target)), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = s.getOutputStream();
    }

    /** Reads one response head; skips a body announced by Content-Length. Returns the status code. */
    private int readStatusAndHead() throws IOException {
        int n = 0;
        while (n < 4 || !(head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (n == head.length) {
                throw new IOException("response head too large");
            }
            head[n++] = (byte) b;
        }
        if (n < 12 || head[0] != 'H') {
            throw new IOException("not an HTTP response");
        }
        int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        if (status != 204) {
            long contentLength = Targets.contentLength(head, n);
            if (contentLength > 0) {
                in.skipNBytes(contentLength);
            }
        }
        return status;
    }

    private void pauseBeforeReconnect() {
        try {
            Thread.sleep(Math.min(100, timeoutMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a broken socket: nothing to do.
            }
            socket = null;
        }
    }
}
