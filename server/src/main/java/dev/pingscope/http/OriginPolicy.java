package dev.pingscope.http;

import java.util.List;
import java.util.Set;

/**
 * Which web origins may probe this server and report samples from their pages: any ("*"), or a fixed list.
 * Same-origin requests carry no Origin header for GET and HEAD and are always allowed.
 */
public final class OriginPolicy {
    private final boolean anyOrigin;
    private final Set<String> origins;

    public OriginPolicy(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    public boolean allowsAnyOrigin() {
        return anyOrigin;
    }

    /** The configured origins (without "*"). */
    public Set<String> listedOrigins() {
        return origins.stream().filter(o -> !o.equals("*")).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** @param origin the request's Origin header, or null when there is none */
    public boolean allows(String origin) {
        return origin == null || anyOrigin || origins.contains(origin);
    }
}
