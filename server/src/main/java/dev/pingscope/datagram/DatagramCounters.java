package dev.pingscope.datagram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the udp_echo listener did with sessions and datagrams, counted for /metrics and tests. */
public final class DatagramCounters {
    /** What became of a datagram. */
    public enum Datagram {
        /** echoed, a new seq */
        ECHOED,
        /** a count request, answered */
        COUNT_ANSWERED,
        /** a seq seen before or older than the window: not echoed, not counted as received */
        DUPLICATE,
        /** not the 20 bytes of the format, or no quarter stream ID */
        MALFORMED,
        /** for no session of this connection (none yet, or another stream's) */
        WRONG_SESSION,
        /** over --udp-max-datagrams-per-second */
        RATE_LIMITED
    }

    /** What became of a session's CONNECT, or of a QUIC connection that never sent one. */
    public enum Session {
        OPENED,
        REFUSED_ORIGIN,
        REFUSED_REQUEST,
        REFUSED_FULL,
        REFUSED_ADDRESS,
        HANDSHAKE_TIMEOUT,
        PROTOCOL_ERROR
    }

    private final Map<Datagram, LongAdder> datagrams = new EnumMap<>(Datagram.class);
    private final Map<Session, LongAdder> sessions = new EnumMap<>(Session.class);

    public DatagramCounters() {
        for (Datagram d : Datagram.values()) {
            datagrams.put(d, new LongAdder());
        }
        for (Session s : Session.values()) {
            sessions.put(s, new LongAdder());
        }
    }

    void count(Datagram outcome) {
        datagrams.get(outcome).increment();
    }

    void count(Session outcome) {
        sessions.get(outcome).increment();
    }

    @Override
    public String toString() {
        return "datagrams " + datagrams + ", sessions " + sessions;
    }

    public long datagrams(Datagram outcome) {
        return datagrams.get(outcome).sum();
    }

    public long sessions(Session outcome) {
        return sessions.get(outcome).sum();
    }
}
