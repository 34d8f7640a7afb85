package dev.pingscope.http;

import java.time.Duration;

/**
 * How much of a refused request's body {@link BodyReader} reads and throws away before the answer, as nginx's
 * lingering close does: ending a request whose body is still arriving makes the connection close with unread
 * input, the kernel then resets it, and a client that writes its whole body before it reads loses the answer.
 * The drain keeps the body's own deadline and rate, and stops after these bounds too; past them the answer
 * goes out and the connection is closed.
 */
public final class LingeringClose {
    /** At most this many bytes are discarded. */
    public static final long MAX_BYTES = 64L << 20;
    /** For at most this long after the refusal (the bound for streams, which have no body deadline). */
    public static final Duration MAX_TIME = Duration.ofSeconds(10);

    private LingeringClose() {}
}
