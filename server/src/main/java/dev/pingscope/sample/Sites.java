package dev.pingscope.sample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fixed set of {@link Site}s: {@link Site#NONE}, {@link Site#DIRECT}, {@link Site#OTHER}, then one per
 * origin listed in {@code --sites}. A browser sample's site comes from its request's Origin header, but only
 * ever as one of these values: an origin that is not listed becomes "other", so no client can add a label.
 *
 * <pre>{@code
 * Sites sites = Sites.of(List.of("https://shop.example"));
 * sites.attribute("https://shop.example", "pingscope.example");   // the shop.example site
 * sites.attribute("https://blog.example", "pingscope.example");   // Site.OTHER
 * sites.attribute(null, "pingscope.example");                     // Site.DIRECT
 * }</pre>
 */
public final class Sites {
    /** Each listed site adds two RTT series (http_head and ws_echo from browsers) and about 1 MiB of histograms. */
    public static final int MAX_LISTED = 20;
    /** An origin as browsers send it: scheme, host, optional port; no path. */
    public static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s?#]+");

    private final List<Site> all;
    private final Map<String, Site> listed = new HashMap<>();

    private Sites(List<String> origins) {
        List<Site> sites = new ArrayList<>(List.of(Site.NONE, Site.DIRECT, Site.OTHER));
        for (String origin : origins) {
            String normalized = normalize(origin);
            if (!ORIGIN.matcher(normalized).matches()) {
                throw new IllegalArgumentException("'" + origin + "' is not an origin (write it like https://shop.example, no path)");
            }
            if (listed.containsKey(normalized)) {
                throw new IllegalArgumentException("'" + origin + "' is listed twice");
            }
            Site site = new Site(sites.size(), normalized);
            sites.add(site);
            listed.put(normalized, site);
        }
        if (listed.size() > MAX_LISTED) {
            throw new IllegalArgumentException(listed.size() + " sites listed; at most " + MAX_LISTED + " are allowed");
        }
        this.all = List.copyOf(sites);
    }

    /**
     * Gives each origin a site label of its own.
     *
     * @param origins the origins to give a label of their own, e.g. https://shop.example (host case is ignored)
     * @throws IllegalArgumentException when one is not an origin, is listed twice, or there are too many
     */
    public static Sites of(List<String> origins) {
        return new Sites(origins);
    }

    /** Browsers write origins in lower case; a configured one may not be. */
    public static String normalize(String origin) {
        return origin.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The site of a sample reported by a browser.
     *
     * @param origin the request's Origin header, or null
     * @param host   the request's Host header, or null
     * @return the listed site of that origin; {@link Site#DIRECT} for a page on pingscope's own origin (no
     *     Origin header, as some same-origin requests have, or an Origin whose host and port are the request's
     *     Host); otherwise {@link Site#OTHER}
     */
    public Site attribute(String origin, String host) {
        if (origin == null) {
            return Site.DIRECT;
        }
        Site site = listed.get(origin);
        if (site != null) {
            return site;
        }
        return host != null && isSameHost(origin, host) ? Site.DIRECT : Site.OTHER;
    }

    /** All sites, by index. */
    public List<Site> all() {
        return all;
    }

    /** The sites a browser sample can have: every one but {@link Site#NONE}. */
    public List<Site> pageSites() {
        return all.subList(1, all.size());
    }

    private static boolean isSameHost(String origin, String host) {
        int authority = origin.indexOf("://");
        return authority > 0 && origin.regionMatches(true, authority + 3, host, 0, host.length())
                && origin.length() == authority + 3 + host.length();
    }
}
