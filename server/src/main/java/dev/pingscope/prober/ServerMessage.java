package dev.pingscope.prober;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A JSON message the server sends over /ws (docs/protocol.md): {@code hello}, {@code ping_rtt},
 * {@code ping_lost}; other types are kept as they are and ignored, as the protocol asks of clients.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ServerMessage(
        @JsonProperty("type") String type,
        @JsonProperty("instance") String instance,
        @JsonProperty("seq") long seq,
        @JsonProperty("rtt_ms") double rttMs,
        @JsonProperty("tcp") JsonNode tcp) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The message in a text frame, or null when the text is not a JSON object (e.g. an echo that came late). */
    static ServerMessage parse(String text) {
        if (text.isEmpty() || text.charAt(0) != '{') {
            return null;
        }
        try {
            return JSON.readValue(text, ServerMessage.class);
        } catch (IOException e) {
            return null;
        }
    }

    boolean isHello() {
        return "hello".equals(type);
    }

    boolean isPingRtt() {
        return "ping_rtt".equals(type);
    }

    boolean isPingLost() {
        return "ping_lost".equals(type);
    }

    long rttNanos() {
        return Math.round(rttMs * 1_000_000);
    }
}
