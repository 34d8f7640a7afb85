package dev.pingscope.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

final class Ports {
    private Ports() {}

    /** A port free right now on the loopback interface, for a program that cannot be told to pick one. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls every 20 ms until the port accepts connections, failing after the deadline or when the process dies. */
    static void awaitListening(int port, Duration deadline, ExternalProcess process) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new AssertionError("exited before listening on " + port + "\n" + process.logTail());
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("not listening on " + port + " after " + deadline.toMillis() + " ms\n" + process.logTail());
                }
                Thread.sleep(20);
            }
        }
    }
}
