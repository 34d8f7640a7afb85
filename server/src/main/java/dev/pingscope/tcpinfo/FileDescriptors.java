package dev.pingscope.tcpinfo;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * The file descriptor behind a JDK socket channel, which the JDK keeps to itself ({@code sun.nio.ch.SelChImpl}).
 * Reachable when the JVM exports {@code java.base/sun.nio.ch} to us: pingscope.jar's manifest does
 * ({@code Add-Exports}), and so does the test JVM's command line.
 */
final class FileDescriptors {
    private static final Method FD_VAL = lookUp();

    private FileDescriptors() {}

    private static Method lookUp() {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            m.invoke(SocketChannel.open()); // fails here, once, when the package is not exported to us
            return m;
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    /** Why descriptors cannot be read, or null when they can. */
    static String unavailableReason() {
        return FD_VAL == null ? "the JVM does not export java.base/sun.nio.ch (run pingscope.jar, or add"
                + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED)" : null;
    }

    /** The channel's descriptor, or -1 when it is closed or cannot be read. */
    static int of(SocketChannel channel) {
        if (FD_VAL == null || !channel.isOpen()) {
            return -1;
        }
        try {
            return (int) FD_VAL.invoke(channel);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
