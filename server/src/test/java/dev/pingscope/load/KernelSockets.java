package dev.pingscope.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's own record of the server's TCP connections, independent of pingscope's TCP_INFO code: {@code ss
 * -tin} in the server's namespace, a few times a second, for the connections of one local port. What it gives
 * per connection and sampling: the kernel's smoothed RTT, the bytes sent, and the bytes written but not yet sent.
 */
final class KernelSockets implements AutoCloseable {
    /** One connection at one sampling. */
    record Sample(long wallMs, String peer, double rttMs, long bytesSent, long notSentBytes, double rttVarMs, double minRttMs,
            long segsOut) {}

    private static final Pattern RTT = Pattern.compile("\\brtt:([0-9.]+)/([0-9.]+)");
    private static final Pattern MIN_RTT = Pattern.compile("\\bminrtt:([0-9.]+)");
    private static final Pattern SEGS_OUT = Pattern.compile("\\bsegs_out:([0-9]+)");
    private static final Pattern SENT = Pattern.compile("\\bbytes_sent:([0-9]+)");
    private static final Pattern NOTSENT = Pattern.compile("\\bnotsent:([0-9]+)");

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean stopped;

    /** Samples every {@code periodMillis} until closed. */
    KernelSockets(String namespace, int localPort, long periodMillis) {
        sampler = new Thread(() -> {
            while (!stopped) {
                try {
                    sample(namespace, localPort);
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException("ss (Debian package iproute2): " + e.getMessage(), e);
                }
            }
        }, "kernel-sockets-" + localPort);
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample(String namespace, int localPort) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", namespace, "ss", "-tinH", "state", "established",
                "( sport = :" + localPort + " )").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        // Each connection: a line with its addresses, then an indented line of its details.
        String peer = null;
        for (String line : out.split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                String[] fields = line.trim().split("\\s+", -1);
                peer = fields[fields.length - 1];
                continue;
            }
            Matcher rtt = RTT.matcher(line);
            if (peer != null && rtt.find()) {
                Matcher min = MIN_RTT.matcher(line);
                samples.add(new Sample(now, peer, Double.parseDouble(rtt.group(1)), number(SENT, line), number(NOTSENT, line),
                        Double.parseDouble(rtt.group(2)), min.find() ? Double.parseDouble(min.group(1)) : Double.NaN,
                        number(SEGS_OUT, line)));
            }
            peer = null;
        }
    }

    private static long number(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The samples in [fromMs, toMs] of connections that had sent more than {@code minSent} bytes (the load streams). */
    List<Sample> between(long fromMs, long toMs, long minSent) {
        List<Sample> in = new ArrayList<>();
        for (Sample s : samples) {
            if (s.wallMs() >= fromMs && s.wallMs() <= toMs && s.bytesSent() > minSent) {
                in.add(s);
            }
        }
        return in;
    }

    /** Every sample in [fromMs, toMs]. */
    List<Sample> between(long fromMs, long toMs) {
        return between(fromMs, toMs, -1);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        sampler.interrupt();
        sampler.join(5_000);
    }
}
