package dev.pingscope.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this instance takes new clients: {@code /healthz} answers while the process serves at all,
 * {@code /readyz} only until a graceful shutdown begins, so that balancers stop sending before the
 * WebSockets are told to go.
 */
public final class Readiness {
    private final AtomicBoolean ready = new AtomicBoolean(false);

    public boolean isReady() {
        return ready.get();
    }

    public void set(boolean isReady) {
        ready.set(isReady);
    }

    /** Serves /healthz and /readyz. */
    public void routes(JavalinConfig c) {
        c.routes.get("/healthz", this::healthz);
        c.routes.get("/readyz", this::readyz);
    }

    /** {@code GET /healthz}: ok while the server runs. */
    public void healthz(Context ctx) {
        ctx.contentType("text/plain").result("ok");
    }

    /** {@code GET /readyz}: 200 while serving; 503 from the moment a graceful shutdown begins. */
    public void readyz(Context ctx) {
        ctx.header("Cache-Control", "no-store").contentType("text/plain");
        if (ready.get()) {
            ctx.result("ready");
        } else {
            ctx.status(503).result("draining");
        }
    }
}
