package dev.pingscope.ping;

import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.TimingCors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * {@code HEAD /ping} and {@code GET /ping}: the HTTP probe target. It runs as a Jetty core handler in front
 * of Javalin, so a probe costs no servlet or router work: every constant header is encoded once at start,
 * and the only per-request allocation is the Server-Timing value. No logging, no locks.
 *
 * <p>Answers 204 with no body, {@code Cache-Control: no-store}, the instance name, a
 * {@code Server-Timing: app;dur=…} header holding the time from the request's arrival to the answer (ms),
 * and for allowed origins the CORS and Timing-Allow-Origin headers that let a page on another site read
 * them. CORS preflights get 204; any other method gets 405.
 *
 * <p>It declares itself non-blocking, and so the whole server: Jetty then parses requests and answers
 * {@code /ping} on the selector thread that read them, with no hand-off to a pool thread (the hand-offs were
 * a tenth of the CPU per probe and the main source of its tail, docs/performance.md). Every other request is
 * handed to the thread pool here, because the handlers behind this one may block.
 */
public final class PingHandler extends Handler.Wrapper {
    public static final String PATH = "/ping";
    public static final String INSTANCE_HEADER = "X-Pingscope-Instance";

    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField EXPOSE = new PreEncodedHttpField(
            HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Server-Timing, " + INSTANCE_HEADER);
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
    private static final HttpField PREFLIGHT_METHODS =
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD");
    private static final HttpField PREFLIGHT_MAX_AGE =
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400");

    private final HttpField instanceField;
    private final TimingCors cors;

    public PingHandler(String instance, OriginPolicy origins, Handler next) {
        super(next);
        this.instanceField = new PreEncodedHttpField(INSTANCE_HEADER, instance);
        this.cors = new TimingCors(origins);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!PATH.equals(request.getHttpURI().getPath())) {
            request.getComponents().getExecutor().execute(() -> handleBehind(request, response, callback));
            return true;
        }
        HttpFields.Mutable headers = response.getHeaders();
        String method = request.getMethod();
        boolean probe = HttpMethod.HEAD.is(method) || HttpMethod.GET.is(method);
        if (probe) {
            headers.add(NO_STORE);
            headers.add(instanceField);
            if (cors.addTo(request, headers)) {
                headers.add(EXPOSE);
            }
            headers.add("Server-Timing", serverTiming(System.nanoTime() - request.getBeginNanoTime()));
            response.setStatus(HttpStatus.NO_CONTENT_204);
        } else if (HttpMethod.OPTIONS.is(method)
                && request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            cors.addTo(request, headers);
            headers.add(PREFLIGHT_METHODS);
            headers.add(PREFLIGHT_MAX_AGE);
            response.setStatus(HttpStatus.NO_CONTENT_204);
        } else {
            headers.add(ALLOW);
            response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
        }
        callback.succeeded();
        return true;
    }

    @Override
    public Invocable.InvocationType getInvocationType() {
        return Invocable.InvocationType.NON_BLOCKING;
    }

    /** Runs the handlers behind this one on a pool thread, answering 404 when none takes the request. */
    private void handleBehind(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }

    /** "app;dur=0.123": the duration in milliseconds with microsecond resolution, written without String.format. */
    public static String serverTiming(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long fraction = micros % 1_000;
        String pad = fraction < 10 ? "00" : fraction < 100 ? "0" : "";
        return "app;dur=" + (micros / 1_000) + "." + pad + fraction;
    }
}
