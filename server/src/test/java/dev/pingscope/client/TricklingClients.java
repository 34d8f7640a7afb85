package dev.pingscope.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections that each POST a body of a declared length one byte per interval, from one thread on a
 * selector: the slow-body attack of slowhttptest's {@code -B}. A connection the server closes is replaced
 * at once, so that the attack keeps its number of connections; each closed one is recorded with its
 * lifetime and the status line it read.
 */
final class TricklingClients implements AutoCloseable {
    /** One connection the server ended: how long it lived, and the first line it read ("" when none). */
    record Closed(String path, Duration lifetime, String statusLine) {}

    private final InetSocketAddress server;
    private final List<String> paths;
    private final int connections;
    private final int declaredLength;
    private final Duration byteInterval;
    private final List<Closed> closed = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile boolean running = true;
    private volatile int open;
    private final AtomicInteger bodyBytesSent = new AtomicInteger();

    private final class Connection {
        final SocketChannel channel;
        final String path;
        final long openedNanos = System.nanoTime();
        final StringBuilder answer = new StringBuilder();
        int sent;

        Connection(String path) throws IOException {
            this.path = path;
            this.channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(server);
            channel.configureBlocking(false);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + declaredLength + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        }

        String statusLine() {
            int end = answer.indexOf("\r\n");
            return end < 0 ? answer.toString() : answer.substring(0, end);
        }
    }

    private TricklingClients(InetSocketAddress server, List<String> paths, int connections, int declaredLength,
            Duration byteInterval) {
        this.server = server;
        this.paths = paths;
        this.connections = connections;
        this.declaredLength = declaredLength;
        this.byteInterval = byteInterval;
        this.loop = new Thread(this::run, "trickling-clients");
        loop.setDaemon(true);
    }

    /** Opens {@code connections} connections, spread over the paths in turn, and starts trickling. */
    static TricklingClients start(int port, List<String> paths, int connections, int declaredLength, Duration byteInterval) {
        TricklingClients clients = new TricklingClients(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), paths, connections,
                declaredLength, byteInterval);
        clients.loop.start();
        return clients;
    }

    int open() {
        return open;
    }

    int bodyBytesSent() {
        return bodyBytesSent.get();
    }

    List<Closed> closed() {
        return List.copyOf(closed);
    }

    private void run() {
        try (Selector selector = Selector.open()) {
            List<Connection> live = new ArrayList<>();
            int next = 0;
            long nextByteNanos = System.nanoTime() + byteInterval.toNanos();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (running) {
                while (live.size() < connections && running) {
                    Connection c = new Connection(paths.get(next++ % paths.size()));
                    c.channel.register(selector, SelectionKey.OP_READ, c);
                    live.add(c);
                }
                open = live.size();
                long waitMillis = Math.max(1, (nextByteNanos - System.nanoTime()) / 1_000_000);
                selector.select(waitMillis);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    in.clear();
                    int n;
                    try {
                        n = c.channel.read(in);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n > 0) {
                        c.answer.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
                    }
                    if (n < 0) {
                        end(c, live);
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() >= nextByteNanos) {
                    nextByteNanos += byteInterval.toNanos();
                    for (Connection c : List.copyOf(live)) {
                        if (c.sent >= declaredLength - 1) {
                            continue; // never complete the body: the last byte is never sent
                        }
                        try {
                            c.channel.write(ByteBuffer.wrap(new byte[] {'1'}));
                            c.sent++;
                            bodyBytesSent.incrementAndGet();
                        } catch (IOException reset) {
                            end(c, live);
                        }
                    }
                }
            }
            for (Connection c : live) {
                c.channel.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void end(Connection c, List<Connection> live) {
        closed.add(new Closed(c.path, Duration.ofNanos(System.nanoTime() - c.openedNanos), c.statusLine()));
        live.remove(c);
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        loop.join(5_000);
    }
}
