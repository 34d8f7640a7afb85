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
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("protocol", PROTOCOL_VERSION);
        hello.put("instance", instance);
        hello.put("ping_interval_ms", settings.pingInterval().toMillis());
        hello.put("ping_timeout_ms", settings.pingTimeout().toMillis());
        try {
            return JSON.writeValueAsString(hello);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the hello message", e);
        }
    }

    static String pingRtt(long seq, long rttNanos) {
        long rttMicros = rttNanos / 1_000; // as recorded: whole microseconds
        return "{\"type\":\"ping_rtt\",\"seq\":" + seq + ",\"rtt_ms\":" + rttMicros / 1_000.0 + "}";
    }

    static String pingLost(long seq) {
        return "{\"type\":\"ping_lost\",\"seq\":" + seq + "}";
    }
}
