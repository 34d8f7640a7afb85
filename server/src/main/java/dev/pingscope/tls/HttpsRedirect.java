package dev.pingscope.tls;

import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.HostPort;

/**
 * In front of everything when --redirect-port is set: a request that came in over plain HTTP (on the
 * redirect port) gets 308 to the same host, path and query on HTTPS, so that someone who types http://
 * lands on the page that measures over TLS. 308 keeps the method, so a HEAD probe stays a HEAD probe.
 * Requests over TLS pass straight through.
 */
public final class HttpsRedirect extends Handler.Wrapper {
    private final IntSupplier httpsPort;

    /** @param httpsPort the port HTTPS is served on (known only once the server listens, with port 0) */
    public HttpsRedirect(Handler next, IntSupplier httpsPort) {
        super(next);
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        int port = httpsPort.getAsInt();
        String host = HostPort.normalizeHost(Request.getServerName(request));
        String pathQuery = request.getHttpURI().getPathQuery();
        String location = "https://" + host + (port == 443 ? "" : ":" + port)
                + (pathQuery == null || !pathQuery.startsWith("/") ? "/" : pathQuery); // OPTIONS * has no path
        Response.sendRedirect(request, response, callback, HttpStatus.PERMANENT_REDIRECT_308, location, true);
        return true;
    }
}
