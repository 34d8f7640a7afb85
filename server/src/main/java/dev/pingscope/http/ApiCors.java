package dev.pingscope.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * CORS for /api/*: pages on allowed origins may post samples (JSON needs a preflight; text/plain from
 * sendBeacon does not) and read stats. Requests from other origins get no CORS headers, so browsers
 * withhold the answer; the intake also refuses them (see IntakeHandler). A few public answers (the server
 * list) are readable from any origin whatever --allowed-origins says: {@link #allowAnyOrigin}.
 */
public final class ApiCors {
    private final OriginPolicy origins;

    public ApiCors(OriginPolicy origins) {
        this.origins = origins;
    }

    /** Before every /api/* request: the Allow-Origin header for allowed cross-origin callers. */
    public Handler addHeaders() {
        return ctx -> {
            String origin = ctx.header("Origin");
            if (origin != null && origins.allows(origin)) {
                ctx.header("Access-Control-Allow-Origin", origins.allowsAnyOrigin() ? "*" : origin);
                if (!origins.allowsAnyOrigin()) {
                    ctx.header("Vary", "Origin");
                }
            }
        };
    }

    /** OPTIONS preflight for the intake. */
    public Handler preflight() {
        return (Context ctx) -> {
            ctx.header("Access-Control-Allow-Methods", "POST, GET");
            ctx.header("Access-Control-Allow-Headers", "Content-Type");
            ctx.header("Access-Control-Max-Age", "86400");
            ctx.status(204);
        };
    }

    /**
     * For an answer any page may read (public, no credentials, nothing a client sent): overrides what
     * {@link #addHeaders} set, so it holds with any --allowed-origins.
     */
    public static void allowAnyOrigin(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
    }

    /** OPTIONS preflight for a public, read-only endpoint. */
    public static Handler publicPreflight() {
        return (Context ctx) -> {
            allowAnyOrigin(ctx);
            ctx.header("Access-Control-Allow-Methods", "GET, HEAD");
            ctx.header("Access-Control-Max-Age", "86400");
            ctx.status(204);
        };
    }
}
