package dev.pingscope.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A TCP proxy on a loopback port that forwards both directions to a target port, holding back every
 * chunk it reads for a fixed one-way delay: a round trip through it takes twice the delay longer. This
 * stands in for netem, which this machine's kernel lacks.
 *
 * <p>On a busy machine the writer wakes late, so a chunk is held somewhat longer than asked: the proxy
 * records how long it really held each chunk ({@link #heldMillisP50()}), the delay it truly injected.
 *
 * <p>Order is kept: one scheduler thread writes every chunk, and chunks read later are due later (the
 * scheduler runs tasks due at the same time in the order they were scheduled). Nagle is off on every
 * socket, so that small probe messages are neither merged nor held back.
 */
final class DelayingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final long oneWayDelayNanos;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(daemon("proxy-writer"));
    private final ExecutorService readers = Executors.newCachedThreadPool(daemon("proxy-reader"));
    private final Histogram heldNanos = new SynchronizedHistogram(3);
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private DelayingProxy(int targetPort, Duration oneWayDelay) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.oneWayDelayNanos = oneWayDelay.toNanos();
        readers.execute(this::acceptLoop);
    }

    /** Listens on a free loopback port and forwards to {@code targetPort} on loopback. */
    static DelayingProxy start(int targetPort, Duration oneWayDelay) throws IOException {
        return new DelayingProxy(targetPort, oneWayDelay);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    // The target is down: close at once, as a proxy would, rather than leave the client waiting.
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                AtomicInteger openDirections = new AtomicInteger(2);
                readers.execute(() -> forward(client, upstream, openDirections));
                readers.execute(() -> forward(upstream, client, openDirections));
            } catch (IOException e) {
                // Closed while accepting, or the target refused: nothing to forward.
            }
        }
    }

    /** Reads chunks from one socket and schedules each to be written to the other after the delay. */
    private void forward(Socket from, Socket to, AtomicInteger openDirections) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                long readAt = System.nanoTime();
                byte[] chunk = Arrays.copyOf(buffer, n);
                later(() -> write(out, chunk, to, readAt));
            }
        } catch (IOException e) {
            // The connection ended; the end is passed on below, after the data still in flight.
        }
        later(() -> {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(to);
            }
            if (openDirections.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    /** Runs the task after the one-way delay, unless the proxy is closed. */
    @SuppressWarnings("FutureReturnValueIgnored") // fire and forget: each task handles its own IOException
    private void later(Runnable task) {
        try {
            writer.schedule(task, oneWayDelayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: nothing more is forwarded.
        }
    }

    /** Forgets the chunks held so far, to measure one run on its own. */
    void resetHeld() {
        heldNanos.reset();
    }

    /** The median time a chunk was held, read to written, since the last reset: the one-way delay injected. */
    double heldMillisP50() {
        return heldNanos.getValueAtPercentile(50) / 1e6;
    }

    private void write(OutputStream out, byte[] chunk, Socket to, long readAt) {
        try {
            out.write(chunk);
            out.flush();
            heldNanos.recordValue(System.nanoTime() - readAt);
        } catch (IOException e) {
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() throws IOException {
        listener.close();
        writer.shutdownNow();
        sockets.forEach(this::closeQuietly); // ends the readers' blocking reads
        readers.shutdownNow();
    }
}
