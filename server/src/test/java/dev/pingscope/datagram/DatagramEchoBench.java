package dev.pingscope.datagram;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Not a test: udp_echo's datagram echo against a running server (server/bench/udp-echo.sh starts it on one core),
 * through Kwik's client, as a browser's session would use it. Prints echoes per second and the RTT percentiles.
 *
 * <pre>java ... DatagramEchoBench UDP_PORT SESSIONS SECONDS RATE|max</pre>
 * {@code max}: closed loop, one datagram in flight per session (the throughput); a number: open loop at that many
 * datagrams a second in all, spread over the sessions (the percentiles at a set load). The RTT is the send time
 * carried in the datagram to the echo's arrival on the client's receive thread.
 */
public final class DatagramEchoBench {
    private DatagramEchoBench() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        boolean closed = args[3].equals("max");
        double rate = closed ? 0 : Double.parseDouble(args[3]);
        Histogram rtt = new SynchronizedHistogram(60_000_000_000L, 3);
        AtomicLong sent = new AtomicLong();
        AtomicLong echoed = new AtomicLong();
        List<WebTransportTestClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long startNanos = System.nanoTime() + 500_000_000L;
        long endNanos = startNanos + seconds * 1_000_000_000L;
        for (int s = 0; s < sessions; s++) {
            WebTransportTestClient c = WebTransportTestClient.open(port);
            if (c.connect("/udp", "https://bench.example") != 200) {
                throw new IllegalStateException("session refused: " + c.status + " " + c.error);
            }
            clients.add(c);
            Semaphore window = new Semaphore(1);
            c.connection.setDatagramHandler(d -> { // on Kwik's receive thread: time it there
                long now = System.nanoTime();
                double sentMs = ByteBuffer.wrap(d, d.length - EchoDatagram.LENGTH + 4, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
                if (now >= startNanos && now < endNanos) {
                    rtt.recordValue(Math.max(1, now - (long) (sentMs * 1e6)));
                    echoed.incrementAndGet();
                }
                window.release();
            });
            long periodNanos = closed ? 0 : (long) (1e9 * sessions / rate);
            Thread t = new Thread(() -> {
                long next = startNanos;
                for (long seq = 0; System.nanoTime() < endNanos; seq++) {
                    try {
                        if (closed) {
                            window.tryAcquire(1, TimeUnit.SECONDS); // a lost echo frees the window after 1 s
                        } else {
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                            next += periodNanos;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    c.send(c.probe(seq, 0));
                    if (System.nanoTime() >= startNanos) {
                        sent.incrementAndGet();
                    }
                }
            }, "bench-session-" + s);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        Thread.sleep(500);
        clients.forEach(WebTransportTestClient::close);
        System.out.printf(Locale.ROOT, "udp_echo %s, %d sessions, %d s: %d sent, %d echoed (%.0f echoes/s), lost %.2f %%,"
                        + " RTT p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms%n",
                closed ? "closed loop" : "open loop at " + args[3] + "/s", sessions, seconds, sent.get(), echoed.get(),
                echoed.get() / (double) seconds, 100.0 * (sent.get() - echoed.get()) / Math.max(1, sent.get()),
                ms(rtt, 50), ms(rtt, 90), ms(rtt, 99), ms(rtt, 99.9), rtt.getMaxValue() / 1e6);
        System.exit(0); // Kwik's client threads are not all daemons
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
