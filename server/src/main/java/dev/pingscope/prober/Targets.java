package dev.pingscope.prober;

import java.net.URI;

/** The URLs a probe run talks to, derived from the base URL the user gave. */
final class Targets {
    private Targets() {}

    /** The base URL's path (without a trailing slash) followed by the endpoint, e.g. /ping. */
    static URI http(URI base, String endpoint) {
        return base.resolve(path(base, endpoint));
    }

    /** The WebSocket URL of an endpoint: ws:// for an http:// base, wss:// for https://. */
    static URI webSocket(URI base, String endpoint) {
        String scheme = isTls(base) ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + path(base, endpoint));
    }

    static boolean isTls(URI base) {
        return "https".equalsIgnoreCase(base.getScheme());
    }

    private static String path(URI base, String endpoint) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path + endpoint;
    }
}
