package dev.pingscope.http;

import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/**
 * {@code scheme://host[:port]} of a request as its client sent it, for the URLs the server writes back
 * (/.well-known/nq, share links, Open Graph tags): the one reader of X-Forwarded-Proto and X-Forwarded-Host.
 * They are believed only when the direct peer is a trusted proxy (a TLS-terminating load balancer knows
 * the client's scheme; anyone else could point the links elsewhere), and then only their right-most value
 * (the one that proxy wrote), and only when it is http|https, or a syntactically valid host[:port].
 * Otherwise the request's own scheme and Host (or HTTP/2 :authority).
 */
public final class RequestOrigin {
    private static final String PROTO = "X-Forwarded-Proto";
    private static final String HOST = "X-Forwarded-Host";
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_PORT = Pattern.compile(
            "(?:" + LABEL + "(?:\\." + LABEL + ")*\\.?|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");
    private static final int MAX_HOST_CHARS = 261; // 253 for the name, ':' and a port

    private final TrustedProxies trusted;

    public RequestOrigin(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** For a Jetty core handler (/.well-known/nq). */
    public String base(Request request) {
        String scheme = request.getHttpURI().getScheme();
        String host = RequestHost.of(request);
        if (trusted.trusts(Request.getRemoteAddr(request))) {
            scheme = forwardedScheme(request.getHeaders().getValuesList(PROTO), scheme);
            host = forwardedHost(request.getHeaders().getValuesList(HOST), host);
        }
        return base(scheme, host);
    }

    /** For a Javalin route. */
    public String base(Context ctx) {
        String scheme = ctx.scheme();
        String host = RequestHost.of(ctx);
        if (trusted.trusts(ctx.req().getRemoteAddr())) {
            scheme = forwardedScheme(Collections.list(ctx.req().getHeaders(PROTO)), scheme);
            host = forwardedHost(Collections.list(ctx.req().getHeaders(HOST)), host);
        }
        return base(scheme, host);
    }

    private static String base(String scheme, String host) {
        return scheme + "://" + (host == null || host.isEmpty() ? "localhost" : host);
    }

    private static String forwardedScheme(List<String> lines, String own) {
        String proto = rightMost(lines);
        return "https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto) ? proto.toLowerCase(Locale.ROOT) : own;
    }

    private static String forwardedHost(List<String> lines, String own) {
        String host = rightMost(lines);
        return host != null && isHostAndPort(host) ? host : own;
    }

    /** host, host:port, a.b.c.d[:port] or [IPv6][:port]; never spaces, slashes, '@' or anything else. */
    static boolean isHostAndPort(String text) {
        if (text.length() > MAX_HOST_CHARS || !HOST_PORT.matcher(text).matches()) {
            return false;
        }
        int close = text.lastIndexOf(']');
        if (text.startsWith("[") && IpLiteral.parse(text.substring(0, close + 1)) == null) {
            return false;
        }
        int colon = text.lastIndexOf(':');
        return colon <= close || Integer.parseInt(text.substring(colon + 1)) <= 65_535;
    }

    /** The last value of the last line: what the nearest proxy wrote (a client's own come before it). */
    private static String rightMost(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        String last = lines.get(lines.size() - 1);
        return last.substring(last.lastIndexOf(',') + 1).trim();
    }
}
