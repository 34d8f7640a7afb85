package dev.pingscope.datagram;

import java.util.List;

/**
 * A WebTransport session's extended CONNECT (RFC 9220 with draft-ietf-webtrans-http3-02) as the browser sends
 * it: {@code :method CONNECT}, {@code :protocol webtransport}, {@code :scheme https}, an {@code :authority},
 * {@code :path} {@value #PATH} (a query is allowed and ignored), and the page's {@code origin}.
 *
 * @param authority the {@code :authority}
 * @param origin    the {@code origin} header, or null
 * @param refusal   null when the request is one, else the status (400, 404) and why
 */
record ConnectRequest(String authority, String origin, Refusal refusal) {
    static final String PATH = "/udp";

    /** A request that is not a udp_echo session. */
    record Refusal(int status, String reason) {}

    static ConnectRequest of(List<QpackFields.Field> fields) {
        String method = null;
        String protocol = null;
        String scheme = null;
        String path = null;
        String authority = null;
        String origin = null;
        for (QpackFields.Field field : fields) {
            switch (field.name()) {
                case ":method" -> method = field.value();
                case ":protocol" -> protocol = field.value();
                case ":scheme" -> scheme = field.value();
                case ":path" -> path = field.value();
                case ":authority" -> authority = field.value();
                case "origin" -> origin = field.value();
                default -> { }
            }
        }
        Refusal refusal = null;
        if (!"CONNECT".equals(method) || !"webtransport".equals(protocol)) {
            refusal = new Refusal(400, "only a WebTransport CONNECT is served here (:method CONNECT, :protocol webtransport)");
        } else if (!"https".equals(scheme) || authority == null || authority.isEmpty() || path == null) {
            refusal = new Refusal(400, "a CONNECT needs :scheme https, :authority and :path");
        } else if (!(path.equals(PATH) || path.startsWith(PATH + "?"))) {
            refusal = new Refusal(404, "no WebTransport endpoint at " + path + " (udp_echo is at " + PATH + ")");
        }
        return new ConnectRequest(authority, origin, refusal);
    }
}
