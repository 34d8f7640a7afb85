package dev.pingscope.prober;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Small helpers about the probed URL and HTTP heads. */
final class Targets {
    private Targets() {}

    static int port(URI target) {
        return target.getPort() > 0 ? target.getPort() : 80;
    }

    /** The base URL's path (without a trailing slash) followed by the endpoint, e.g. /ping. */
    static String path(URI target, String endpoint) {
        String base = target.getRawPath() == null ? "" : target.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + endpoint;
    }

    /** The Content-Length of an HTTP head held in the first n bytes of head, or -1. */
    static long contentLength(byte[] head, int n) {
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        int at = indexOfIgnoreCase(text, "\r\ncontent-length:");
        if (at < 0) {
            return -1;
        }
        int start = at + "\r\ncontent-length:".length();
        int end = text.indexOf('\r', start);
        try {
            return Long.parseLong(text.substring(start, end).trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int indexOfIgnoreCase(String text, String needle) {
        return text.toLowerCase(java.util.Locale.ROOT).indexOf(needle);
    }
}
