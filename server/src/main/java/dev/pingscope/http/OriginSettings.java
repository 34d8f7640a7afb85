package dev.pingscope.http;

import dev.pingscope.config.InvalidConfigException;
import dev.pingscope.sample.Sites;
import java.util.List;
import java.util.Objects;

/**
 * Which pages may probe and report (docs/embedding.md), and which of them get a site label of their own.
 *
 * @param allowedOrigins origins allowed to probe and report from another site; a single "*" allows any (--allowed-origins)
 * @param sites          origins of embedding pages whose browser samples get their own site label (--sites)
 */
public record OriginSettings(List<String> allowedOrigins, List<String> sites) {
    public OriginSettings {
        allowedOrigins = checkedOrigins(allowedOrigins);
        sites = checkedSites(sites, allowedOrigins);
    }

    public static OriginSettings defaults() {
        return new OriginSettings(List.of("*"), List.of());
    }

    /** Trimmed, blanks dropped; each "*" or an origin; at least one. */
    private static List<String> checkedOrigins(List<String> origins) {
        List<String> trimmed = Objects.requireNonNull(origins, "allowedOrigins").stream()
                .map(String::trim).filter(o -> !o.isEmpty()).toList();
        for (String origin : trimmed) {
            if (!origin.equals("*") && !Sites.ORIGIN.matcher(origin).matches()) {
                throw new InvalidConfigException("--allowed-origins",
                        "'" + origin + "' is not an origin (write it like https://example.com, no path)");
            }
        }
        if (trimmed.isEmpty()) {
            throw new InvalidConfigException("--allowed-origins", "must name at least one origin, or *");
        }
        return trimmed;
    }

    /** Normalized; each a valid origin, listed once, within the limit, and allowed to report at all. */
    private static List<String> checkedSites(List<String> sites, List<String> allowed) {
        List<String> listed = Objects.requireNonNull(sites, "sites").stream()
                .filter(s -> !s.isBlank()).map(Sites::normalize).toList();
        try {
            Sites.of(listed);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--sites", e.getMessage());
        }
        if (!allowed.contains("*")) {
            List<String> allowedNormalized = allowed.stream().map(Sites::normalize).toList();
            for (String site : listed) {
                if (!allowedNormalized.contains(site)) {
                    throw new InvalidConfigException("--sites",
                            "'" + site + "' is not in --allowed-origins, so its pages could never report samples");
                }
            }
        }
        return listed;
    }
}
