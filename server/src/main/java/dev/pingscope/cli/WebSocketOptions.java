package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import dev.pingscope.websocket.WebSocketSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The /ws endpoint's options: {@link WebSocketSettings}. */
final class WebSocketOptions {
    @Option(names = "--ping-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the server sends a WebSocket PING to each client (100ms to 60s).%n  env PINGSCOPE_PING_INTERVAL, default ${DEFAULT-VALUE}")
    Duration pingInterval;

    @Option(names = "--ping-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A PING with no PONG after this long counts as lost (100ms to 60s).%n  env PINGSCOPE_PING_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration pingTimeout;

    @Option(names = "--ws-idle-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a WebSocket with no traffic for this long; must exceed --ping-interval.%n  env PINGSCOPE_WS_IDLE_TIMEOUT, default ${DEFAULT-VALUE}")
    Duration wsIdleTimeout;

    @Option(names = "--ws-max-message", paramLabel = "BYTES",
            description = "Largest WebSocket message accepted, in bytes (16 to 1048576).%n  env PINGSCOPE_WS_MAX_MESSAGE, default ${DEFAULT-VALUE}")
    int wsMaxMessageBytes;

    @Option(names = "--ws-max-connections", paramLabel = "N",
            description = "Most open WebSockets on this instance; more are refused at the upgrade with 503.%n  env PINGSCOPE_WS_MAX_CONNECTIONS, default ${DEFAULT-VALUE}")
    int wsMaxConnections;

    @Option(names = "--ws-max-per-address", paramLabel = "N",
            description = "Most open WebSockets from one client address; more are refused at the upgrade with 429.%n  env PINGSCOPE_WS_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int wsMaxPerAddress;

    @Option(names = "--ws-max-messages-per-second", paramLabel = "N",
            description = "Most messages one WebSocket may send in a second; more close it with 1008.%n  env PINGSCOPE_WS_MAX_MESSAGES_PER_SECOND, default ${DEFAULT-VALUE}")
    int wsMaxMessagesPerSecond;

    @Option(names = "--ws-max-queued-frames", paramLabel = "N",
            description = "Most frames waiting for a client that does not read; then it is disconnected.%n  env PINGSCOPE_WS_MAX_QUEUED_FRAMES, default ${DEFAULT-VALUE}")
    int wsMaxQueuedFrames;

    @Option(names = "--ws-min-ping-interval", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "The fastest PING interval a connection may ask for (/ws?ping=MS; 10ms up to --ping-interval, which is"
                    + " the slowest).%n  env PINGSCOPE_WS_MIN_PING_INTERVAL, default ${DEFAULT-VALUE}")
    Duration wsMinPingInterval;

    WebSocketSettings settings() {
        return new WebSocketSettings(pingInterval, pingTimeout, wsIdleTimeout, wsMaxMessageBytes, wsMaxMessagesPerSecond,
                wsMaxQueuedFrames, wsMaxConnections, wsMaxPerAddress, wsMinPingInterval);
    }

    static void putDefaults(Map<String, String> values) {
        WebSocketSettings d = WebSocketSettings.defaults();
        values.put("--ping-interval", DurationText.format(d.pingInterval()));
        values.put("--ping-timeout", DurationText.format(d.pingTimeout()));
        values.put("--ws-idle-timeout", DurationText.format(d.idleTimeout()));
        values.put("--ws-max-message", Integer.toString(d.maxMessageBytes()));
        values.put("--ws-max-connections", Integer.toString(d.maxConnections()));
        values.put("--ws-max-per-address", Integer.toString(d.maxPerAddress()));
        values.put("--ws-max-messages-per-second", Integer.toString(d.maxMessagesPerSecond()));
        values.put("--ws-max-queued-frames", Integer.toString(d.maxQueuedFrames()));
        values.put("--ws-min-ping-interval", DurationText.format(d.minPingInterval()));
    }
}
