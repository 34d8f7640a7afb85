package dev.pingscope.http;

import java.util.Map;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads the bodies of the POST routes Javalin serves (the intake, the result saves) with {@link BodyReader}
 * before Javalin sees the request, and leaves each in the request attribute {@link RequestBody#ATTRIBUTE}.
 * Placed in front of {@link PoolHandoff}, it reads without holding a thread; the request goes on to the
 * pool, and to Javalin, only when its body is whole. A servlet's blocking read would hold a pool thread,
 * the threads that also upgrade and serve /ws, for as long as a client cares to trickle its body.
 */
public final class BodiesFirst extends Handler.Wrapper {
    private final Map<String, Integer> maxBytesByPath;
    private final BodyLimits limits;

    /** @param maxBytesByPath each POST path whose body is read first, with its size cap */
    public BodiesFirst(Map<String, Integer> maxBytesByPath, BodyLimits limits, Handler next) {
        super(next);
        this.maxBytesByPath = Map.copyOf(maxBytesByPath);
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Integer maxBytes = HttpMethod.POST.is(request.getMethod()) ? maxBytesByPath.get(routePath(request)) : null;
        if (maxBytes == null) {
            return super.handle(request, response, callback);
        }
        BodyReader.keep(request, response, callback, maxBytes, limits, body -> {
            request.setAttribute(RequestBody.ATTRIBUTE, body);
            PoolHandoff.handleOr404(getHandler(), request, response, callback);
        });
        return true;
    }

    /** The decoded path as Javalin routes it: trailing slashes do not count. */
    private static String routePath(Request request) {
        String path = Request.getPathInContext(request);
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }
}
