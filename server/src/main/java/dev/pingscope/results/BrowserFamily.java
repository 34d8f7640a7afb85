package dev.pingscope.results;

import java.util.Locale;

/** The browser family a saved result keeps, from the User-Agent: never the User-Agent itself. */
final class BrowserFamily {
    private BrowserFamily() {}

    /** chrome, firefox, safari, edge or other (order matters: Edge and Chrome both claim Safari). */
    static String of(String userAgent) {
        if (userAgent == null) {
            return "other";
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("edg/") || ua.contains("edga/") || ua.contains("edgios/")) {
            return "edge";
        }
        if (ua.contains("firefox/") || ua.contains("fxios/")) {
            return "firefox";
        }
        if (ua.contains("chrome/") || ua.contains("chromium/") || ua.contains("crios/")) {
            return "chrome";
        }
        if (ua.contains("safari/")) {
            return "safari";
        }
        return "other";
    }
}
