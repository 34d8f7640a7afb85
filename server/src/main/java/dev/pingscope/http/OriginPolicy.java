package dev.pingscope.http;

import java.util.List;
import java.util.Set;

/**
 * Which web origins may probe this server and report samples from their pages: any ("*"), or a fixed list.
 * Same-origin requests carry no Origin header for GET and HEAD and are always allowed; WebSocket upgrades
 * and POSTs from the server's own page do carry one, and {@link #allows(String, String)} lets them in.
 */
public final class OriginPolicy {
    private final boolean anyOrigin;
    private final Set<String> origins;

    /** @param allowedOrigins origins as configured; compared lower-cased, as browsers send them */
    public OriginPolicy(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = allowedOrigins.stream().map(o -> o.trim().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public boolean allowsAnyOrigin() {
        return anyOrigin;
    }

    /** The configured origins (without "*"). */
    public Set<String> listedOrigins() {
        return origins.stream().filter(o -> !o.equals("*")).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this Origin header (null: none) may probe and report. */
    public boolean allows(String origin) {
        return origin == null || anyOrigin || origins.contains(origin);
    }

    /**
     * Like {@link #allows(String)}, and also allows the server's own pages: an Origin whose host and port
     * are the ones the request was sent to (its Host header), whatever the scheme (TLS may end at a proxy).
     *
     * @param origin the request's Origin header, or null when there is none
     * @param host   the request's Host header, or null
     */
    public boolean allows(String origin, String host) {
        if (allows(origin)) {
            return true;
        }
        int schemeEnd = origin.indexOf("://");
        return host != null && schemeEnd > 0 && origin.substring(schemeEnd + 3).equalsIgnoreCase(host);
    }
}
