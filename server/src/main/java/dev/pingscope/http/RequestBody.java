package dev.pingscope.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * A request body as {@link BodyReader} delivered it, whole: its bytes (when kept), how many arrived, and
 * whether it was larger than its cap (then drained within {@link LingeringClose}'s bounds, not kept).
 * A class, not a record, because its bytes are an array that is handed over, not copied.
 */
public final class RequestBody {
    /** The request attribute {@link BodiesFirst} leaves the body in for the routes behind it. */
    public static final String ATTRIBUTE = RequestBody.class.getName();

    private final byte[] bytes;
    private final long length;
    private final boolean tooLarge;

    RequestBody(byte[] bytes, long length, boolean tooLarge) {
        this.bytes = bytes;
        this.length = length;
        this.tooLarge = tooLarge;
    }

    /** The body read in front of Javalin for this request; empty when the route is not one {@link BodiesFirst} reads. */
    public static Optional<RequestBody> of(HttpServletRequest request) {
        return Optional.ofNullable((RequestBody) request.getAttribute(ATTRIBUTE));
    }

    /** The body; empty when it was too large or only counted (a stream). */
    public byte[] bytes() {
        return bytes;
    }

    /** Bytes that arrived (of a too large body: as far as it was drained). */
    public long length() {
        return length;
    }

    /** The body was larger than its cap. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
