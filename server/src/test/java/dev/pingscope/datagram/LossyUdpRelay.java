package dev.pingscope.datagram;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A UDP relay on loopback that drops a set fraction of the packets each way and holds the rest for a set
 * one-way delay: the line that netem would make, which this machine's kernel lacks. Each client address
 * gets its own upstream socket, so the server sees one peer per client. Like the TCP {@code DelayingProxy},
 * it records how long it really held each packet ({@link #heldMillisP50()}): on a busy machine the sender
 * wakes late, and that is delay truly injected.
 */
final class LossyUdpRelay implements AutoCloseable {
    private final DatagramSocket front;
    private volatile InetSocketAddress target;
    private final double dropUp;
    private final double dropDown;
    private final long delayNanos;
    private final SplittableRandom random;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relay-sender"));
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> daemon(r, "relay-reader"));
    private final Map<SocketAddress, DatagramSocket> upstream = new ConcurrentHashMap<>();
    private final Histogram heldNanos = new SynchronizedHistogram(3);
    final AtomicLong upForwarded = new AtomicLong();
    final AtomicLong upDropped = new AtomicLong();
    final AtomicLong downForwarded = new AtomicLong();
    final AtomicLong downDropped = new AtomicLong();

    /**
     * @param dropUp   the fraction of client-to-server packets dropped
     * @param dropDown the fraction of server-to-client packets dropped
     * @param seed     for the drops: a run is repeatable
     */
    LossyUdpRelay(double dropUp, double dropDown, double delayMillis, long seed) throws SocketException {
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.dropUp = dropUp;
        this.dropDown = dropDown;
        this.delayNanos = (long) (delayMillis * 1e6);
        this.random = new SplittableRandom(seed);
        readers.execute(this::fromClients);
    }

    /** Where to relay to: the server's UDP port on loopback (set once the server listens; nothing is relayed before). */
    void target(int port) {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    int port() {
        return front.getLocalPort();
    }

    /** The median time a forwarded packet was really held, in ms. */
    double heldMillisP50() {
        return heldNanos.getValueAtPercentile(50) / 1e6;
    }

    private void fromClients() {
        byte[] buffer = new byte[65_536];
        while (!front.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                front.receive(packet);
            } catch (IOException closed) {
                return;
            }
            SocketAddress client = packet.getSocketAddress();
            if (target == null) {
                continue;
            }
            DatagramSocket up = upstream.computeIfAbsent(client, this::openUpstream);
            forward(up, packet, target, dropUp, upForwarded, upDropped);
        }
    }

    private DatagramSocket openUpstream(SocketAddress client) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            readers.execute(() -> {
                byte[] buffer = new byte[65_536];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (IOException closed) {
                        return;
                    }
                    forward(front, packet, client, dropDown, downForwarded, downDropped);
                }
            });
            return socket;
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private void forward(DatagramSocket out, DatagramPacket packet, SocketAddress to, double drop, AtomicLong forwarded,
            AtomicLong dropped) {
        boolean lost;
        synchronized (random) {
            lost = random.nextDouble() < drop;
        }
        if (lost) {
            dropped.incrementAndGet();
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
        long received = System.nanoTime();
        var unused = sender.schedule(() -> {
            try {
                out.send(new DatagramPacket(copy, copy.length, to));
                heldNanos.recordValue(System.nanoTime() - received); // the send is part of the hold
                forwarded.incrementAndGet();
            } catch (IOException closed) {
                // the relay is closing
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        front.close();
        upstream.values().forEach(DatagramSocket::close);
        sender.shutdownNow();
        readers.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
