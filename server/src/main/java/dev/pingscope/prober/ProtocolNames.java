package dev.pingscope.prober;

import java.net.http.HttpClient;

/** The protocol names a report shows, as ALPN spells them. */
final class ProtocolNames {
    private ProtocolNames() {}

    static String of(HttpClient.Version version) {
        return version == HttpClient.Version.HTTP_2 ? "h2" : "http/1.1";
    }
}
