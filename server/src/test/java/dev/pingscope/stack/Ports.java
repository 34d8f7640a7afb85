package dev.pingscope.stack;

import dev.pingscope.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

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
    static void awaitListening(int port, Duration deadline, ExternalProcess process) {
        try {
            TestServer.poll("a listener on port " + port, deadline).pollInterval(Duration.ofMillis(20))
                    .failFast("exited before listening on " + port, () -> !process.isAlive())
                    .until(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
                            return true;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "\n" + process.logTail(), e);
        }
    }
}
