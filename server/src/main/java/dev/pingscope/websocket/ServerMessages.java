package dev.pingscope.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages the server sends on /ws (docs/protocol.md). The hello carries configuration values, so
 * Jackson encodes it (once per server); ping_rtt and ping_lost carry only numbers the server made itself,
 * written directly because one goes out per PING.
 */
final class ServerMessages {
    static final int PROTOCOL_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerMessages() {}

    static String hello(WebSocketSettings settings, String instance) {
        return hello(settings, instance, null);
    }

    /** The hello of a connection that asked for its own PING interval or its kernel RTT (asks), or of any (null). */
    static String hello(WebSocketSettings settings, String instance, ConnectionAsks asks) {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("protocol", PROTOCOL_VERSION);
        hello.put("instance", instance);
        hello.put("ping_interval_ms", asks == null ? settings.pingInterval().toMillis() : asks.pingInterval());
        hello.put("ping_timeout_ms", settings.pingTimeout().toMillis());
        if (asks != null && asks.requestedPing() > 0) {
            hello.put("ping_interval_requested_ms", asks.requestedPing());
            hello.put("ping_interval_range_ms", new long[] {settings.minPingInterval().toMillis(), settings.pingInterval().toMillis()});
        }
        if (asks != null && asks.reference()) {
            hello.put("tcp_reference", true);
        }
        try {
            return JSON.writeValueAsString(hello);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the hello message", e);
        }
    }

    /** @param tcp the connection's kernel RTT as a JSON member (KernelReference.json), or "" when it did not ask */
    static String pingRtt(long seq, long rttNanos, String tcp) {
        long rttMicros = rttNanos / 1_000; // as recorded: whole microseconds
        return "{\"type\":\"ping_rtt\",\"seq\":" + seq + ",\"rtt_ms\":" + rttMicros / 1_000.0 + tcp + "}";
    }

    static String pingLost(long seq) {
        return "{\"type\":\"ping_lost\",\"seq\":" + seq + "}";
    }
}
