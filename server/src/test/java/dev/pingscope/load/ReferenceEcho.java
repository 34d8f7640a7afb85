package dev.pingscope.load;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The independent reference of {@link BottleneckTest}: a TCP echo with no HTTP, no WebSocket and no
 * pingscope code in it, run as two child processes, one in each network namespace.
 *
 * <pre>
 * java -cp … dev.pingscope.load.ReferenceEcho server ADDRESS PORT
 * java -cp … dev.pingscope.load.ReferenceEcho client ADDRESS PORT PERIOD_MS DURATION_MS
 * </pre>
 *
 * The client sends a 16-byte message (sequence number, send time) every PERIOD_MS on one TCP connection,
 * open-loop (a slow answer does not delay the next message), and prints one line per answer:
 * {@code <wall-clock ms at receipt> <rtt µs>}. Nagle is off on both ends, so a message goes at once.
 */
public final class ReferenceEcho {
    private ReferenceEcho() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        } else {
            client(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        }
    }

    /** A client process's answers, as {@code [wall-clock ms, rtt µs]}, read until it ends (or is ended). */
    static List<long[]> answers(Process client) {
        List<long[]> samples = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.trim().split(" ", -1);
                if (parts.length == 2) {
                    samples.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
                }
            }
        } catch (IOException e) {
            // the process was ended: what was read is what there is
        }
        return samples;
    }

    private static void server(InetAddress address, int port) throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(address, port));
            System.out.println("listening");
            System.out.flush();
            while (true) {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                Thread t = new Thread(() -> echo(socket), "echo");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echo(Socket socket) {
        byte[] buffer = new byte[4096];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void client(String host, int port, long periodMillis, long durationMillis) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            DataOutputStream writer = new DataOutputStream(socket.getOutputStream());
            DataInputStream reader = new DataInputStream(socket.getInputStream());
            long start = System.nanoTime();
            long end = start + durationMillis * 1_000_000;
            Thread sender = new Thread(() -> {
                try {
                    for (long seq = 0; ; seq++) {
                        long due = start + seq * periodMillis * 1_000_000;
                        if (due > end) {
                            return;
                        }
                        while (System.nanoTime() < due) {
                            LockSupport.parkNanos(due - System.nanoTime());
                        }
                        writer.writeLong(seq);
                        writer.writeLong(System.nanoTime());
                        writer.flush();
                    }
                } catch (IOException e) {
                    // the connection ended
                }
            }, "sender");
            sender.start();
            socket.setSoTimeout(10_000);
            while (true) {
                long seq;
                long sent;
                try {
                    seq = reader.readLong();
                    sent = reader.readLong();
                } catch (IOException e) {
                    break;
                }
                long rttMicros = (System.nanoTime() - sent) / 1_000;
                out.println(System.currentTimeMillis() + " " + rttMicros);
                out.flush();
                if ((seq + 1) * periodMillis * 1_000_000 > end - start) {
                    break;
                }
            }
        }
    }
}
