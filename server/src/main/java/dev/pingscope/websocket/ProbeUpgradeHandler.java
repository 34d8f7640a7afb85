package dev.pingscope.websocket;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.internal.RFC8441Handshaker;

/**
 * Upgrades requests for {@value WebSocketProbes#PATH} to probe WebSockets and passes every other request to
 * its child. Over HTTP/1.1 the connection is read on the selector thread ({@link SelectorReadHandshaker});
 * over HTTP/2 (RFC 8441, a stream of a shared connection) Jetty's own handshaker and connection serve it.
 * A request for the path that is no upgrade goes to the child too, as with Jetty's upgrade handler.
 */
public final class ProbeUpgradeHandler extends Handler.Wrapper {
    private final Handshaker http11 = new SelectorReadHandshaker();
    private final Handshaker http2 = new RFC8441Handshaker();
    private final WebSocketNegotiator negotiator;
    private final WebSocketComponents components;
    private final Configuration.ConfigurationCustomizer limits;

    ProbeUpgradeHandler(WebSocketNegotiator negotiator, WebSocketComponents components, Configuration.ConfigurationCustomizer limits) {
        this.negotiator = negotiator;
        this.components = components;
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (WebSocketProbes.PATH.equals(Request.getPathInContext(request))) {
            try {
                if (http11.upgradeRequest(negotiator, request, response, callback, components, limits)
                        || (!response.isCommitted() && http2.upgradeRequest(negotiator, request, response, callback, components, limits))) {
                    return true;
                }
            } catch (Throwable failure) {
                Response.writeError(request, response, callback, failure);
                return true;
            }
        }
        return super.handle(request, response, callback);
    }
}
