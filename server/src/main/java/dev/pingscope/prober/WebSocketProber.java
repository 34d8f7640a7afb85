package dev.pingscope.prober;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WebSocket connection to /ws (RFC 6455 over a raw socket, as small and steady as a client can be).
 * The caller's thread sends echo probes on the schedule, one at a time; a reader thread answers the
 * server's PINGs at once, completes echoes, and records the server's ping_rtt / ping_lost reports as
 * ws_ping. Works against any echo server (one that sends no hello or ping_rtt, too).
 */
final class WebSocketProber implements Runnable {
    private static final Pattern PING_RTT = Pattern.compile("\"rtt_ms\":([0-9.eE+-]+)");
    private static final String MAGIC = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final URI target;
    private final ProbeRecorder echo;
    private final ProbeRecorder ping;
    private final Schedule schedule;
    private final long timeoutNanos;
    private final int warmup;
    private final long endNanos;
    private final String prefix;
    private final Object writeLock = new Object();
    private Socket socket;
    private OutputStream out;
    private DataInputStream in;
    private volatile String awaited;
    private volatile long answeredNanos;
    private volatile Thread writer;

    /**
     * @param echo null to only hold the connection open and collect ws_ping reports
     * @param ping null to ignore the server's ping reports
     */
    WebSocketProber(URI target, ProbeRecorder echo, ProbeRecorder ping, Schedule schedule, Duration timeout,
            int warmup, long endNanos, int connection) {
        this.target = target;
        this.echo = echo;
        this.ping = ping;
        this.schedule = schedule;
        this.timeoutNanos = timeout.toNanos();
        this.warmup = warmup;
        this.endNanos = endNanos;
        this.prefix = "e" + connection + "-";
    }

    @Override
    public void run() {
        writer = Thread.currentThread();
        try {
            connect();
            Thread reader = new Thread(this::readLoop, "pingscope-probe-ws-reader");
            reader.setDaemon(true);
            reader.start();
            if (echo == null) {
                while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
                    LockSupport.parkNanos(endNanos - System.nanoTime());
                }
                return;
            }
            for (long probe = 0; ; probe++) {
                long intended = schedule.awaitNext();
                if (intended >= endNanos || Thread.currentThread().isInterrupted()) {
                    return;
                }
                echoOnce(intended, probe, probe >= warmup);
            }
        } catch (IOException e) {
            ProbeRecorder recorder = echo != null ? echo : ping;
            recorder.failed(e);
            recorder.lost();
        } finally {
            close();
        }
    }

    private void echoOnce(long intended, long probe, boolean counted) throws IOException {
        String payload = prefix + probe;
        answeredNanos = 0;
        awaited = payload;
        long sent = System.nanoTime();
        sendFrame(0x1, payload.getBytes(StandardCharsets.US_ASCII));
        long deadline = sent + timeoutNanos;
        long received;
        while ((received = answeredNanos) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || socket.isClosed()) {
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

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        int timeoutMillis = (int) Math.max(1, timeoutNanos / 1_000_000);
        socket.connect(new InetSocketAddress(target.getHost(), Targets.port(target)), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        out = socket.getOutputStream();
        byte[] keyBytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        String host = target.getHost() + (target.getPort() > 0 ? ":" + target.getPort() : "");
        out.write(("GET " + Targets.path(target, "/ws") + " HTTP/1.1\r\nHost: " + host
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: pingscope-probe\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String headText = readHead(in);
        if (!headText.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade refused: " + headText.lines().findFirst().orElse(""));
        }
        if (!headText.contains(accept(key))) {
            throw new IOException("WebSocket upgrade answered with a wrong Sec-WebSocket-Accept");
        }
        socket.setSoTimeout(0); // the reader blocks until the server speaks; echo timeouts are the writer's
        this.in = in;
    }

    private void readLoop() {
        StringBuilder fragments = new StringBuilder();
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if (length > 1 << 20) {
                    throw new IOException("frame too large: " + length);
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                int opcode = b0 & 0x0F;
                boolean fin = (b0 & 0x80) != 0;
                switch (opcode) {
                    case 0x9 -> sendFrame(0xA, payload); // PONG with the PING's payload, at once
                    case 0x8 -> {
                        return;
                    }
                    case 0x1, 0x0 -> {
                        fragments.append(new String(payload, StandardCharsets.UTF_8));
                        if (fin) {
                            onText(fragments.toString());
                            fragments.setLength(0);
                        }
                    }
                    default -> {
                        // Binary or PONG frames: not part of the protocol, ignored.
                    }
                }
            }
        } catch (IOException e) {
            // The connection ended: the writer notices through its timeout or the closed socket.
        } finally {
            close();
            Thread w = writer;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private void onText(String text) {
        long now = System.nanoTime();
        String expected = awaited;
        if (expected != null && expected.equals(text)) {
            awaited = null;
            answeredNanos = now;
            LockSupport.unpark(writer);
        } else if (ping != null && text.startsWith("{\"type\":\"ping_rtt\"")) {
            Matcher m = PING_RTT.matcher(text);
            if (m.find()) {
                ping.measured(Math.round(Double.parseDouble(m.group(1)) * 1_000_000));
            }
        } else if (ping != null && text.startsWith("{\"type\":\"ping_lost\"")) {
            ping.lost();
        }
    }

    /** Sends one masked frame (clients must mask, RFC 6455 5.3). Thread-safe: the reader sends PONGs. */
    private void sendFrame(int opcode, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IOException("probe frames are small; this one has " + payload.length + " bytes");
        }
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ frame[2 + (i & 3)]);
        }
        synchronized (writeLock) {
            out.write(frame);
            out.flush();
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
            if (head.length() > 8192) {
                throw new IOException("upgrade answer too large");
            }
        }
        return head.toString();
    }

    private static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + MAGIC).getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    private void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // Already broken.
        }
    }
}
