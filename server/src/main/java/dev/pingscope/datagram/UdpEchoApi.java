package dev.pingscope.datagram;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/udp}: where a page opens its udp_echo session, or why it cannot. The certificate hash is
 * the one the listener has now (it is renewed before it expires), so the answer is never cached.
 *
 * <pre>{@code
 * {"port": 7070, "path": "/udp", "certificateHashes": [{"algorithm": "sha-256", "value": "<base64>"}]}
 * {"unavailable": "udp_echo is turned off on this server (--udp-port off)"}
 * }</pre>
 */
public final class UdpEchoApi {
    public static final String PATH = "/api/udp";

    private final Supplier<DatagramListener> listener;
    private final Supplier<String> unavailable;

    /**
     * @param listener    the running listener, or null when there is none
     * @param unavailable why there is none
     */
    public UdpEchoApi(Supplier<DatagramListener> listener, Supplier<String> unavailable) {
        this.listener = listener;
        this.unavailable = unavailable;
    }

    public void handle(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        DatagramListener l = listener.get();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (l == null) {
            answer.put("unavailable", unavailable.get());
        } else {
            answer.put("port", l.publicPort());
            answer.put("path", ConnectRequest.PATH);
            answer.put("certificateHashes", List.of(Map.of("algorithm", "sha-256", "value", l.certificateHash())));
        }
        ctx.json(answer);
    }
}
