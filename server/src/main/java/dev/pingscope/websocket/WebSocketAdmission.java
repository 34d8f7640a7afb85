package dev.pingscope.websocket;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RequestHost;
import dev.pingscope.sample.Load;
import dev.pingscope.tcpinfo.TcpSockets;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpStream;
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
 * instance are under their caps. Refusals are HTTP answers: 400 for a key that is not 16 bytes of base64,
 * 403 origin, 503 draining or full, 429 too many from one address, 400 for a load condition
 * ({@code /ws?load=download}) that is not one of {@link Load}'s, and for a PING interval ({@code ping=MS}) or a
 * reference flag ({@code ref=1}) that is not a number or not 1. A refusal takes no slot; an admitted
 * upgrade that fails later gives its slot back when its HTTP exchange ends.
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
        // Jetty has refused an HTTP/1.1 upgrade without a key already; over HTTP/2 (RFC 8441) there is none.
        String key = request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY);
        if (key != null && !isKey(key)) {
            Response.writeError(request, response, callback, 400, "Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455)");
            return null;
        }
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
        long ping = pingOf(request);
        if (ping < 0) {
            Response.writeError(request, response, callback, 400,
                    "ping must be a whole number of milliseconds from 1 to 3600000 (the PING interval asked for; the server"
                            + " keeps it within --ws-min-ping-interval and --ping-interval)");
            return null;
        }
        Boolean reference = referenceOf(request);
        if (reference == null) {
            Response.writeError(request, response, callback, 400, "ref must be 1 (each ping_rtt then carries the kernel's RTT)");
            return null;
        }
        ConnectionAsks asks = probes.asks(ping, reference, reference ? TcpSockets.channelOf(request) : null,
                clientAddress.direct(request));
        String client = clientAddress.of(request).limitKey();
        ProbeSocket socket = probes.admit(client, load, asks, (status, message) -> Response.writeError(request, response, callback, status, message));
        if (socket != null) {
            // The socket holds an admission slot from here, and Jetty gives it back through the socket (onClosed)
            // only if the connection upgrades. After negotiate() the upgrade can still fail without the socket ever
            // hearing of it: an extension offer Jetty refuses (400), a 101 that cannot be written to a client gone
            // already. So the end of this HTTP exchange returns the slot unless Jetty upgrades the connection, which
            // it does exactly when the exchange succeeds with its upgrade connection set (HttpStream's attribute).
            // The listener runs before that upgrade; the socket gives its slot back once, whichever path comes first.
            Request.addCompletionListener(request, failure -> {
                if (failure != null || request.getAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE) == null) {
                    socket.upgradeFailed();
                }
            });
        }
        return socket;
    }

    /** Whether a Sec-WebSocket-Key is what RFC 6455 (4.1) requires: 16 bytes in base64. */
    private static boolean isKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** The ping query parameter in ms: 0 when absent, -1 when it is not a whole number of ms within an hour. */
    private static long pingOf(Request request) {
        String value = parameter(request, "ping");
        if (value == null) {
            return 0;
        }
        if (value.isEmpty() || value.length() > 7 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long ms = Long.parseLong(value);
        return ms >= 1 && ms <= 3_600_000 ? ms : -1;
    }

    /** The ref query parameter: false when absent, true for 1, null for anything else. */
    private static Boolean referenceOf(Request request) {
        String value = parameter(request, "ref");
        return value == null ? Boolean.FALSE : "1".equals(value) ? Boolean.TRUE : null;
    }

    private static String parameter(Request request, String name) {
        if (request.getHttpURI().getQuery() == null) {
            return null;
        }
        Fields.Field field = Request.extractQueryParameters(request).get(name);
        return field == null ? null : field.getValue();
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
