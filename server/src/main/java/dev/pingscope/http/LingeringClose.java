package dev.pingscope.http;

/**
 * How much of a refused request's body is read and thrown away before the request ends, as nginx's
 * lingering close does: ending a request whose body is still arriving makes the connection close with
 * unread input, the kernel then resets it, and a client that writes its whole body before it reads loses
 * the answer. Bounded, so that a client cannot keep a server reading for ever.
 */
public final class LingeringClose {
    /** At most this many bytes are discarded. */
    public static final long MAX_BYTES = 64L << 20;
    /** For at most this long. */
    public static final long MAX_NANOS = 10_000_000_000L;

    private LingeringClose() {}
}
