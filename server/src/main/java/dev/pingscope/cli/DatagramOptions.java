package dev.pingscope.cli;

import dev.pingscope.datagram.DatagramSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** The udp_echo listener's options: {@link DatagramSettings}. */
final class DatagramOptions {
    @Option(names = "--udp-port", paramLabel = "same|off|PORT",
            description = "UDP port for udp_echo (WebTransport datagrams over QUIC): same (the number of --port), off, or a"
                    + " port (0: any free one).%n  env PINGSCOPE_UDP_PORT, default ${DEFAULT-VALUE}")
    String udpPort;

    @Option(names = "--udp-public-port", paramLabel = "PORT",
            description = "The UDP port pages are told to use, when a NAT or a balancer maps another one to --udp-port (0: --udp-port"
                    + " itself).%n  env PINGSCOPE_UDP_PUBLIC_PORT, default ${DEFAULT-VALUE}")
    int udpPublicPort;

    @Option(names = "--udp-max-sessions", paramLabel = "N",
            description = "Most udp_echo sessions open at once on this instance; more are refused.%n  env PINGSCOPE_UDP_MAX_SESSIONS, default ${DEFAULT-VALUE}")
    int udpMaxSessions;

    @Option(names = "--udp-max-per-address", paramLabel = "N",
            description = "Most udp_echo sessions from one client address; more are refused.%n  env PINGSCOPE_UDP_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int udpMaxPerAddress;

    @Option(names = "--udp-max-datagrams-per-second", paramLabel = "N",
            description = "Most datagrams one udp_echo session may send in a second; more are dropped unanswered.%n"
                    + "  env PINGSCOPE_UDP_MAX_DATAGRAMS_PER_SECOND, default ${DEFAULT-VALUE}")
    int udpMaxDatagramsPerSecond;

    DatagramSettings settings() {
        return new DatagramSettings(DatagramSettings.parsePort(udpPort), udpPublicPort, udpMaxSessions, udpMaxPerAddress, udpMaxDatagramsPerSecond);
    }

    static void putDefaults(Map<String, String> values) {
        DatagramSettings d = DatagramSettings.defaults();
        values.put("--udp-port", DatagramSettings.portText(d.port()));
        values.put("--udp-public-port", Integer.toString(d.publicPort()));
        values.put("--udp-max-sessions", Integer.toString(d.maxSessions()));
        values.put("--udp-max-per-address", Integer.toString(d.maxPerAddress()));
        values.put("--udp-max-datagrams-per-second", Integer.toString(d.maxDatagramsPerSecond()));
    }
}
