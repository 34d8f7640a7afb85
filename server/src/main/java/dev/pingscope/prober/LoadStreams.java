package dev.pingscope.prober;

import dev.pingscope.sample.Load;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load-generating streams of {@code probe --load} (docs/load.md): each its own TCP connection (HTTP/1.1,
 * so that N streams are N flows, as the draft requires of parallel streams), one thread each. A download
 * stream GETs the server's large object and reads it as fast as it comes; an upload stream POSTs an endless
 * chunked body of random bytes. Bytes are counted per direction as they are read or handed to the socket.
 */
final class LoadStreams implements AutoCloseable {
    /** The draft's ceiling: at most 16 load-generating connections per direction. */
    static final int MAX_PER_DIRECTION = 16;
    private static final int CHUNK = 64 * 1024;
    /** One chunked-encoding chunk of random bytes, "10000\r\n…\r\n", written again and again by every upload. */
    private static final byte[] UPLOAD_CHUNK = uploadChunk();

    private final ProbeOptions options;
    private final Load direction;
    private final URI target;
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder uploaded = new LongAdder();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> uploadChannels = new CopyOnWriteArrayList<>();
    /** Names this run's streams to the server, which hands back their kernel RTT (/load/self). */
    private final String run = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE);
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private int downloads;
    private int uploads;
    private volatile boolean stopped;
    private volatile String lastError;

    LoadStreams(ProbeOptions options, Load direction) {
        this.options = options;
        this.direction = direction;
        this.target = options.target();
    }

    /** Opens one more stream in each loaded direction, unless that direction has its 16. */
    void add() {
        if ((direction == Load.DOWNLOAD || direction == Load.BOTH) && downloads < MAX_PER_DIRECTION) {
            downloads++;
            start("pingscope-load-download-" + downloads, (socket, tcp) -> download(socket));
        }
        if ((direction == Load.UPLOAD || direction == Load.BOTH) && uploads < MAX_PER_DIRECTION) {
            uploads++;
            start("pingscope-load-upload-" + uploads, (socket, tcp) -> {
                uploadChannels.add(tcp);
                upload(socket);
            });
        }
    }

    boolean atMax() {
        return Math.max(downloads, uploads) >= MAX_PER_DIRECTION;
    }

    /** Streams opened, both directions together. */
    int streams() {
        return downloads + uploads;
    }

    /** Bytes downloaded since the last call. */
    long takeDownloaded() {
        return downloaded.sumThenReset();
    }

    /** Bytes uploaded since the last call. */
    long takeUploaded() {
        return uploaded.sumThenReset();
    }

    String lastError() {
        return lastError;
    }

    String run() {
        return run;
    }

    int downloads() {
        return downloads;
    }

    int uploads() {
        return uploads;
    }

    /** The TCP connections of the upload streams open now: this end sends their data, so its kernel has their RTT. */
    List<SocketChannel> uploadChannels() {
        return uploadChannels.stream().filter(SocketChannel::isOpen).toList();
    }

    private void start(String name, StreamBody body) {
        Thread t = new Thread(() -> {
            // Opened by hand rather than by RawHttp.open: the TCP channel beneath any TLS is what the kernel reports on.
            Socket tcp = null;
            try {
                tcp = RawHttp.connect(target, (int) options.timeout().toMillis());
                try (Socket socket = Targets.isTls(target) ? RawHttp.secure(tcp, target, options) : tcp) {
                    sockets.add(socket);
                    if (!stopped) {
                        body.run(socket, tcp.getChannel());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    lastError = FailureReason.describe(e);
                }
            } finally {
                closeQuietly(tcp); // already closed with its TLS socket, unless the handshake failed
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void download(Socket socket) throws IOException {
        socket.setSoTimeout((int) Math.max(10_000, options.timeout().toMillis()));
        socket.getOutputStream().write(RawHttp.request("GET", target, Targets.http(target, "/load/download").getRawPath() + "?run=" + run, ""));
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[CHUNK];
        RawHttp.Head head = RawHttp.readHead(in, buffer);
        if (head.status() != 200) {
            throw new IOException("GET /load/download: " + head.statusLine());
        }
        downloaded.add(head.filled() - head.bodyStart());
        int n;
        while (!stopped && (n = in.read(buffer)) >= 0) {
            downloaded.add(n);
        }
    }

    private void upload(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(RawHttp.request("POST", target, Targets.http(target, "/load/upload").getRawPath() + "?run=" + run,
                "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"));
        while (!stopped) {
            out.write(UPLOAD_CHUNK);
            uploaded.add(CHUNK);
        }
    }

    private static byte[] uploadChunk() {
        byte[] head = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[head.length + CHUNK + 2];
        System.arraycopy(head, 0, chunk, 0, head.length);
        byte[] random = new byte[CHUNK];
        new Random().nextBytes(random);
        System.arraycopy(random, 0, chunk, head.length, CHUNK);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    /** Stops every stream: their sockets are closed, which ends a blocked read or write at once. */
    @Override
    public void close() {
        stopped = true;
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @FunctionalInterface
    private interface StreamBody {
        /** Runs one stream on socket (TLS over https), whose TCP connection is tcp. */
        void run(Socket socket, SocketChannel tcp) throws IOException;
    }
}
