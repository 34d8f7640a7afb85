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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections that each POST a body of a declared length one byte per interval, from one thread on a
 * selector: the slow-body attack of slowhttptest's {@code -B}. As slowhttptest does (its {@code -r}, connections
 * per second), connections are opened at a steady pace, {@link #OPENS_PER_SECOND}, and each sends its bytes at a
 * phase of its own, as packets from many clients arrive; a connection the server closes is replaced at that
 * pace, so that the attack keeps its number of connections. Each closed one is recorded with its lifetime and
 * the status line it read.
 */
final class TricklingClients implements AutoCloseable {
    /** One connection the server ended: how long it lived, and the first line it read ("" when none). */
    record Closed(String path, Duration lifetime, String statusLine) {}

    /** 150 a second: 300 connections are open within 2 s, and each closed one is replaced as fast as the server closes. */
    static final int OPENS_PER_SECOND = 150;

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
        /** When its next byte is due: a phase of its own within the interval. */
        long nextByteNanos = openedNanos + ThreadLocalRandom.current().nextLong(byteInterval.toNanos());
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
            long openEveryNanos = 1_000_000_000L / OPENS_PER_SECOND;
            long nextOpenNanos = System.nanoTime();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (running) {
                long now = System.nanoTime();
                while (live.size() < connections && now >= nextOpenNanos && running) {
                    Connection c = new Connection(paths.get(next++ % paths.size()));
                    c.channel.register(selector, SelectionKey.OP_READ, c);
                    live.add(c);
                    nextOpenNanos += openEveryNanos;
                }
                if (live.size() >= connections) {
                    nextOpenNanos = Math.max(nextOpenNanos, now); // no credit for a burst of opens later
                }
                open = live.size();
                long due = live.size() < connections ? nextOpenNanos : Long.MAX_VALUE;
                for (Connection c : live) {
                    due = Math.min(due, c.nextByteNanos);
                }
                selector.select(Math.max(1, (due - System.nanoTime()) / 1_000_000));
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
                now = System.nanoTime();
                for (Connection c : List.copyOf(live)) {
                    if (now >= c.nextByteNanos) {
                        c.nextByteNanos += byteInterval.toNanos();
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
