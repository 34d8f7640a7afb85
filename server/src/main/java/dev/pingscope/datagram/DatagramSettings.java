package dev.pingscope.datagram;

import dev.pingscope.config.Check;
import dev.pingscope.config.InvalidConfigException;

/**
 * What the udp_echo listener (WebTransport datagrams over QUIC) is configured with (docs/operations.md).
 *
 * @param port                  the UDP port: {@link #SAME_AS_HTTP} (the main port's number, the default), {@link #OFF}, or
 *                              a port (0: any free one) (--udp-port)
 * @param publicPort            the UDP port pages are told to use (/api/udp) when a NAT or balancer maps another port to
 *                              this one; 0: the port listened on (--udp-public-port)
 * @param maxSessions           most sessions open at once on this instance (more: refused at the handshake) (--udp-max-sessions)
 * @param maxPerAddress         most sessions from one client address (more: 429 at the CONNECT) (--udp-max-per-address)
 * @param maxDatagramsPerSecond most datagrams one session may send in a second; more are dropped unanswered
 *                              (--udp-max-datagrams-per-second)
 */
public record DatagramSettings(int port, int publicPort, int maxSessions, int maxPerAddress, int maxDatagramsPerSecond) {
    public static final int SAME_AS_HTTP = -1;
    public static final int OFF = -2;

    public DatagramSettings {
        if (port != SAME_AS_HTTP && port != OFF) {
            Check.range("--udp-port", port, 0, 65535);
        }
        Check.range("--udp-public-port", publicPort, 0, 65535);
        Check.range("--udp-max-sessions", maxSessions, 1, 100_000);
        Check.range("--udp-max-per-address", maxPerAddress, 1, 100_000);
        Check.range("--udp-max-datagrams-per-second", maxDatagramsPerSecond, 1, 100_000);
        if (maxPerAddress > maxSessions) {
            throw new InvalidConfigException("--udp-max-per-address", maxPerAddress + " is more than --udp-max-sessions (" + maxSessions + ")");
        }
    }

    public static DatagramSettings defaults() {
        return new DatagramSettings(SAME_AS_HTTP, 0, 1000, 100, 200);
    }

    public boolean enabled() {
        return port != OFF;
    }

    public DatagramSettings withPort(int value) {
        return new DatagramSettings(value, publicPort, maxSessions, maxPerAddress, maxDatagramsPerSecond);
    }

    /** The option's text for this port: same, off, or the number. */
    public static String portText(int port) {
        return port == SAME_AS_HTTP ? "same" : port == OFF ? "off" : Integer.toString(port);
    }

    /** Parses --udp-port's text. */
    public static int parsePort(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("same")) {
            return SAME_AS_HTTP;
        }
        if (t.equals("off")) {
            return OFF;
        }
        try {
            int port = Integer.parseInt(t);
            Check.range("--udp-port", port, 0, 65535);
            return port;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("--udp-port", "'" + text + "' is not same, off or a port number");
        }
    }
}
