package dev.pingscope.tcpinfo;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.ptr.IntByReference;

/**
 * The two socket calls pingscope needs from Linux, through JNA (Java 17 has no FFM): {@code getsockopt(TCP_INFO)}
 * and {@code setsockopt(TCP_NOTSENT_LOWAT)}. Not on a hot path: each call allocates a little native memory.
 */
final class LinuxSockets {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final int TCP_NOTSENT_LOWAT = 25;
    /** Room for any kernel's struct tcp_info (232 bytes on 6.x); the kernel writes what it has and says how much. */
    private static final int TCP_INFO_ROOM = 512;
    /** The fields read below end with tcpi_min_rtt, at 148..152: older kernels that stop before it count as none. */
    private static final int TCP_INFO_NEEDED = 152;

    /** libc, as JNA maps it. */
    interface LibC extends Library {
        int getsockopt(int fd, int level, int name, Memory value, IntByReference length);

        int setsockopt(int fd, int level, int name, IntByReference value, int length);
    }

    private static final LibC LIBC = load();

    private LinuxSockets() {}

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** Why these calls cannot be made here, or null when they can. */
    static String unavailableReason() {
        if (!Platform.isLinux()) {
            return "TCP_INFO is read on Linux only (this is " + System.getProperty("os.name") + ")";
        }
        return LIBC == null ? "libc could not be loaded through JNA" : null;
    }

    /** The connection's tcp_info, or null when the call failed (the socket closed meanwhile, say). */
    static TcpInfo tcpInfo(int fd) {
        if (LIBC == null) {
            return null;
        }
        try (Memory buffer = new Memory(TCP_INFO_ROOM)) {
            buffer.clear();
            IntByReference length = new IntByReference(TCP_INFO_ROOM);
            if (LIBC.getsockopt(fd, IPPROTO_TCP, TCP_INFO, buffer, length) != 0 || length.getValue() < TCP_INFO_NEEDED) {
                return null;
            }
            // Offsets of struct tcp_info (include/uapi/linux/tcp.h): eight u8 fields, then u32s from offset 8.
            return new TcpInfo(
                    u32(buffer, 68), // tcpi_rtt
                    u32(buffer, 72), // tcpi_rttvar
                    u32(buffer, 148), // tcpi_min_rtt
                    u32(buffer, 92), // tcpi_rcv_rtt
                    u32(buffer, 144), // tcpi_notsent_bytes
                    u32(buffer, 100), // tcpi_total_retrans
                    u32(buffer, 136), // tcpi_segs_out
                    u32(buffer, 140)); // tcpi_segs_in
        }
    }

    /** Sets TCP_NOTSENT_LOWAT; true when the kernel took it. */
    static boolean setNotSentLowat(int fd, int bytes) {
        return LIBC != null && LIBC.setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, new IntByReference(bytes), 4) == 0;
    }

    private static long u32(Memory buffer, long offset) {
        return Integer.toUnsignedLong(buffer.getInt(offset));
    }
}
