package dev.pingscope.websocket;

import dev.pingscope.config.Check;
import dev.pingscope.config.DurationText;
import dev.pingscope.config.InvalidConfigException;
import java.time.Duration;

/**
 * What the /ws endpoint is configured with (the server's options of the same names; docs/operations.md).
 *
 * @param pingInterval         how often each client gets a server PING, 100 ms to 60 s (--ping-interval)
 * @param pingTimeout          a PING with no PONG after this long is lost (--ping-timeout)
 * @param idleTimeout          a connection from which nothing arrives for this long is closed (1001); longer than
 *                             pingInterval (--ws-idle-timeout)
 * @param maxMessageBytes      largest message accepted (larger: 1009) (--ws-max-message)
 * @param maxMessagesPerSecond most messages per connection in one second (more: 1008) (--ws-max-messages-per-second)
 * @param maxQueuedFrames      most frames waiting for a client that does not read (more: disconnected) (--ws-max-queued-frames)
 * @param maxConnections       most open connections on this instance (more: 503 at the upgrade) (--ws-max-connections)
 * @param maxPerAddress        most open connections from one client address (more: 429 at the upgrade) (--ws-max-per-address)
 * @param minPingInterval      the fastest PING interval a connection may ask for ({@code /ws?ping=MS}), 10 ms up to
 *                             pingInterval, which is also the slowest (--ws-min-ping-interval)
 */
public record WebSocketSettings(
        Duration pingInterval,
        Duration pingTimeout,
        Duration idleTimeout,
        int maxMessageBytes,
        int maxMessagesPerSecond,
        int maxQueuedFrames,
        int maxConnections,
        int maxPerAddress,
        Duration minPingInterval) {

    public WebSocketSettings {
        Check.range("--ping-interval", pingInterval, Duration.ofMillis(100), Duration.ofSeconds(60));
        Check.range("--ping-timeout", pingTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
        Check.range("--ws-idle-timeout", idleTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new InvalidConfigException("--ws-idle-timeout", DurationText.format(idleTimeout)
                    + " must be longer than --ping-interval (" + DurationText.format(pingInterval) + ")");
        }
        Check.range("--ws-max-message", maxMessageBytes, 16, 1 << 20);
        Check.range("--ws-max-messages-per-second", maxMessagesPerSecond, 1, 1_000_000);
        Check.range("--ws-max-queued-frames", maxQueuedFrames, 2, 100_000);
        Check.range("--ws-max-connections", maxConnections, 1, 1_000_000);
        Check.range("--ws-max-per-address", maxPerAddress, 1, 1_000_000);
        Check.range("--ws-min-ping-interval", minPingInterval, Duration.ofMillis(10), Duration.ofSeconds(60));
        if (minPingInterval.compareTo(pingInterval) > 0) {
            throw new InvalidConfigException("--ws-min-ping-interval", DurationText.format(minPingInterval)
                    + " must not be longer than --ping-interval (" + DurationText.format(pingInterval) + ")");
        }
    }

    public static WebSocketSettings defaults() {
        return new WebSocketSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), 1024, 100, 64,
                20_000, 100, Duration.ofMillis(100));
    }
}
