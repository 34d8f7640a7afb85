package dev.pingscope.websocket;

import java.time.Duration;

/**
 * What the /ws endpoint is configured with (the server's options of the same names; docs/operations.md).
 *
 * @param instance             this instance's name, told to each client in its hello
 * @param pingInterval         how often each client gets a server PING
 * @param pingTimeout          a PING with no PONG after this long is lost
 * @param idleTimeout          a connection from which nothing arrives for this long is closed (1001)
 * @param maxMessageBytes      largest message accepted (larger: 1009)
 * @param maxMessagesPerSecond most messages per connection in one second (more: 1008)
 * @param maxQueuedFrames      most frames waiting for a client that does not read (more: disconnected)
 * @param maxConnections       most open connections on this instance (more: 503 at the upgrade)
 * @param maxPerAddress        most open connections from one client address (more: 429 at the upgrade)
 */
public record WebSocketSettings(
        String instance,
        Duration pingInterval,
        Duration pingTimeout,
        Duration idleTimeout,
        int maxMessageBytes,
        int maxMessagesPerSecond,
        int maxQueuedFrames,
        int maxConnections,
        int maxPerAddress) {}
