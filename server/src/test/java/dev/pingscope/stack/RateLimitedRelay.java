package dev.pingscope.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on a loopback port in front of a target port that carries each direction at a fixed rate, shared
 * by all its connections: a link of that speed, the bottleneck of whatever path lies behind it. Two paths behind
 * two such relays (a replica directly; the same replica behind a balancer) are then both link-limited, so
 * their goodputs compare the paths rather than how fast this busy machine's CPUs copy bytes over loopback.
 * TCP's own flow control holds the sender back while the relay waits for its budget, as a link's queue would.
 */
final class RateLimitedRelay implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final ServerSocket listener;
    private final int targetPort;
    private final Pacer towardTarget;
    private final Pacer towardClient;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rate-limited-relay");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    /** @param mbitPerSecond the link's rate in each direction */
    RateLimitedRelay(int targetPort, double mbitPerSecond) throws IOException {
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.towardTarget = new Pacer(mbitPerSecond);
        this.towardClient = new Pacer(mbitPerSecond);
        threads.execute(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket target;
                try {
                    target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(target);
                threads.execute(() -> copy(client, target, towardTarget));
                threads.execute(() -> copy(target, client, towardClient));
            } catch (IOException e) {
                // closed while accepting: the relay is stopping
            }
        }
    }

    private void copy(Socket from, Socket to, Pacer pacer) {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                pacer.await(n);
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: end both
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Hands out the link's time: each chunk is due when the chunks before it would have left at the rate. A
     * burst of one chunk per connection is allowed (a sender that waited gets no credit beyond that), and a
     * late wake-up is made up for by the next chunks, so the mean rate holds on a busy machine.
     */
    private static final class Pacer {
        private final double nanosPerByte;
        private final long burstNanos;
        private long nextFreeNanos = System.nanoTime();

        Pacer(double mbitPerSecond) {
            this.nanosPerByte = 8e3 / mbitPerSecond;
            this.burstNanos = (long) (CHUNK * nanosPerByte);
        }

        void await(int bytes) {
            long due;
            synchronized (this) {
                long now = System.nanoTime();
                nextFreeNanos = Math.max(nextFreeNanos, now - burstNanos) + (long) (bytes * nanosPerByte);
                due = nextFreeNanos - (long) (bytes * nanosPerByte);
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(RateLimitedRelay::closeQuietly);
        threads.shutdownNow();
    }
}
