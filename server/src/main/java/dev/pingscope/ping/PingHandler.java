package dev.pingscope.ping;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.TimingCors;
import dev.pingscope.tcpinfo.KernelReference;
import dev.pingscope.tcpinfo.TcpInfo;
import dev.pingscope.tcpinfo.TcpSockets;
import dev.pingscope.tcpinfo.WebSocketCarriers;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.function.LongConsumer;
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
 * <p>A probe that asks, by ending its query with {@code ref=1}, also gets its connection's kernel RTT
 * ({@link KernelReference}) as more Server-Timing entries; the page asks once a second, and a probe that does not
 * ask pays one look at the query's end. A connection that also carries a probe WebSocket (HTTP/2, RFC 8441) says so
 * ({@code tcp_shared;desc="websocket"}): its smoothed RTT is inflated by that WebSocket's delayed ACKs
 * ({@link WebSocketCarriers}).
 *
 * <p>It never blocks: with {@link dev.pingscope.http.PoolHandoff} behind it, Jetty answers {@code /ping} on
 * the selector thread that read the request.
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

    /** The query's end that asks for the kernel's RTT: {@code ?…&ref=1} or {@code ?ref=1}. */
    public static final String REFERENCE_FLAG = "ref=1";

    private final HttpField instanceField;
    private final TimingCors cors;
    private final ClientAddress clientAddress;
    private final LongConsumer kernelRttMicros;
    private final WebSocketCarriers carriers;

    /**
     * @param clientAddress   tells a direct peer from a trusted proxy (whose hop the kernel would measure)
     * @param kernelRttMicros gets each flagged probe's kernel RTT (the metrics' pingscope_kernel_rtt_seconds): the
     *                        smoothed RTT, or the min RTT on a connection that carries a probe WebSocket
     * @param carriers        the connections that carry a probe WebSocket
     */
    public PingHandler(String instance, OriginPolicy origins, ClientAddress clientAddress, LongConsumer kernelRttMicros,
            WebSocketCarriers carriers, Handler next) {
        super(next);
        this.instanceField = new PreEncodedHttpField(INSTANCE_HEADER, instance);
        this.cors = new TimingCors(origins);
        this.clientAddress = clientAddress;
        this.kernelRttMicros = kernelRttMicros;
        this.carriers = carriers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!PATH.equals(request.getHttpURI().getPath())) {
            return super.handle(request, response, callback);
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
            String timing = serverTiming(System.nanoTime() - request.getBeginNanoTime());
            headers.add("Server-Timing", asksReference(request) ? timing + reference(request) : timing);
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

    private static boolean asksReference(Request request) {
        String query = request.getHttpURI().getQuery();
        if (query == null || !query.endsWith(REFERENCE_FLAG)) {
            return false;
        }
        int at = query.length() - REFERENCE_FLAG.length();
        return at == 0 || query.charAt(at - 1) == '&';
    }

    /** The Server-Timing entries of the connection's kernel RTT, after the app's time was taken. */
    private String reference(Request request) {
        boolean direct = clientAddress.direct(request);
        SocketChannel channel = TcpSockets.channelOf(request);
        Optional<TcpInfo> info = KernelReference.read(channel, direct);
        boolean shared = info.isPresent() && carriers.carries(channel);
        info.ifPresent(i -> kernelRttMicros.accept(shared ? i.minRttMicros() : i.rttMicros()));
        return KernelReference.serverTiming(info, direct) + (shared ? KernelReference.SHARED_WITH_WEBSOCKET : "");
    }

    /** "app;dur=0.123": the duration in milliseconds with microsecond resolution, written without String.format. */
    public static String serverTiming(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long fraction = micros % 1_000;
        String pad = fraction < 10 ? "00" : fraction < 100 ? "0" : "";
        return "app;dur=" + (micros / 1_000) + "." + pad + fraction;
    }
}
