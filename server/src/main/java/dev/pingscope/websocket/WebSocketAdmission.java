package dev.pingscope.websocket;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RequestHost;
import dev.pingscope.sample.Load;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

/**
 * Who may open a WebSocket on /ws, decided at the upgrade, before any frame: an allowed origin (or the
 * server's own page) gets in while the server accepts connections and the client address and the
 * instance are under their caps. Refusals are HTTP answers: 403 origin, 503 draining or full, 429 too many
 * from one address, 400 for a load condition ({@code /ws?load=download}) that is not one of {@link Load}'s.
 */
public final class WebSocketAdmission implements WebSocketNegotiator {
    private final WebSocketProbes probes;
    private final OriginPolicy origins;
    private final ClientAddress clientAddress;
    private final BooleanSupplier accepting;

    /** @param accepting false while the server drains: a client reconnecting after its 1001 must go elsewhere */
    public WebSocketAdmission(WebSocketProbes probes, OriginPolicy origins, ClientAddress clientAddress,
            BooleanSupplier accepting) {
        this.probes = probes;
        this.origins = origins;
        this.clientAddress = clientAddress;
        this.accepting = accepting;
    }

    @Override
    public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (!origins.allows(origin, RequestHost.of(request))) {
            Response.writeError(request, response, callback, 403, "origin not allowed: " + origin);
            return null;
        }
        if (!accepting.getAsBoolean()) {
            Response.writeError(request, response, callback, 503, "shutting down");
            return null;
        }
        Load load = loadOf(request);
        if (load == null) {
            Response.writeError(request, response, callback, 400,
                    "load must be one of " + Load.NAMES + " (the condition this connection's PINGs are recorded under)");
            return null;
        }
        String client = clientAddress.of(request).limitKey();
        return probes.admit(client, load, (status, message) -> Response.writeError(request, response, callback, status, message));
    }

    /** The load query parameter's condition: idle when absent, null when it names none. */
    private static Load loadOf(Request request) {
        if (request.getHttpURI().getQuery() == null) {
            return Load.IDLE;
        }
        Fields.Field field = Request.extractQueryParameters(request).get("load");
        return field == null ? Load.IDLE : Load.fromWireName(field.getValue());
    }
}
