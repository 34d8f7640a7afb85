package dev.pingscope.results;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** The answers the results endpoints share: the one 404, errors in the contract's form, the link base. */
final class Replies {
    /** Seconds a client should wait before saving again when the database is unavailable. */
    static final int RETRY_AFTER_UNAVAILABLE = 5;

    private Replies() {}

    /** The same answer for an unknown id, a malformed id, and an operators' endpoint without its token. */
    static void notFound(Context ctx) {
        error(ctx, 404, "not_found", null);
    }

    static void unavailable(Context ctx) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_UNAVAILABLE));
        error(ctx, 503, "storage_unavailable", "results cannot be stored or read right now; measuring goes on");
    }

    static void error(Context ctx, int status, String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (message != null) {
            body.put("message", message);
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).json(body);
    }

}
