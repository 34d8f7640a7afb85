package dev.pingscope.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs the handlers behind it on a pool thread, and so declares itself non-blocking. Put behind the
 * probe handlers, it lets Jetty treat the whole server as non-blocking: then Jetty parses each request and
 * runs the handlers in front (/ping) on the selector thread that read it, with no hand-off (the hand-off was
 * a tenth of the CPU per HEAD probe, docs/performance.md), while everything behind, which may block, still
 * runs on the pool.
 */
public final class PoolHandoff extends Handler.Wrapper {
    public PoolHandoff(Handler next) {
        super(next);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        request.getComponents().getExecutor().execute(() -> handleBehind(request, response, callback));
        return true;
    }

    private void handleBehind(Request request, Response response, Callback callback) {
        handleOr404(getHandler(), request, response, callback);
    }

    /** The handler behind, answering 404 when it does not take the request (as Jetty's server would), 500 if it throws. */
    static void handleOr404(Handler next, Request request, Response response, Callback callback) {
        try {
            if (next == null || !next.handle(request, response, callback)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }
}
