package dev.pingscope.tcpinfo;

import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * The kernel's view of a TCP connection, for the server's own connections (a Jetty request's) and for the
 * probe's: read its {@link TcpInfo}, or cap the bytes it may queue unsent ({@code TCP_NOTSENT_LOWAT}, which
 * the responsiveness draft asks of load connections so that the sender's own buffer does not hide the
 * network's queue). Linux only; elsewhere {@link #unavailableReason()} says why.
 *
 * <p>A descriptor is read only while its channel is open; a channel closed in between reads as empty.
 */
public final class TcpSockets {
    private static final String UNAVAILABLE = firstNonNull(LinuxSockets.unavailableReason(),
            FileDescriptors.unavailableReason());

    private TcpSockets() {}

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** Why the kernel's figures cannot be read on this machine, or null when they can. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The connection's tcp_info, empty when it cannot be read (closed, not Linux, not exported). */
    public static Optional<TcpInfo> read(SocketChannel channel) {
        if (UNAVAILABLE != null || channel == null) {
            return Optional.empty();
        }
        int fd = FileDescriptors.of(channel);
        return fd < 0 ? Optional.empty() : Optional.ofNullable(LinuxSockets.tcpInfo(fd));
    }

    /** Sets TCP_NOTSENT_LOWAT on the connection; true when the kernel took it. */
    public static boolean limitUnsent(SocketChannel channel, int bytes) {
        if (UNAVAILABLE != null || channel == null) {
            return false;
        }
        int fd = FileDescriptors.of(channel);
        return fd >= 0 && LinuxSockets.setNotSentLowat(fd, bytes);
    }

    /** The TCP channel under a request (beneath TLS when there is any), or null for a connection not on a socket channel. */
    public static SocketChannel channelOf(Request request) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        while (endPoint instanceof EndPoint.Wrapper wrapper) { // TLS, PROXY protocol: the socket is beneath
            endPoint = wrapper.unwrap();
        }
        return endPoint instanceof SelectableChannelEndPoint selectable
                && selectable.getChannel() instanceof SocketChannel socket ? socket : null;
    }
}
