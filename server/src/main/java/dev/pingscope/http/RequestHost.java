package dev.pingscope.http;

import io.javalin.http.Context;
import java.net.URI;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The host and port a request was sent to: its Host header over HTTP/1.1, its {@code :authority} over
 * HTTP/2, which has no Host header. Every check that compares a request's Origin with the server's own
 * address (own page or other site) asks here, so that none forgets HTTP/2.
 */
public final class RequestHost {
    private RequestHost() {}

    /** For a Jetty core handler (/ping, the WebSocket upgrade). */
    public static String of(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host != null ? host : request.getHttpURI().getAuthority();
    }

    /** For a Javalin route. */
    public static String of(Context ctx) {
        String host = ctx.header("Host");
        return host != null ? host : URI.create(ctx.req().getRequestURL().toString()).getRawAuthority();
    }
}
