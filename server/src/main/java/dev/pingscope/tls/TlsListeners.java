package dev.pingscope.tls;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The ports of a server with TLS: HTTPS (h2 and http/1.1 by ALPN, and wss:) on the main port instead of
 * plain HTTP, and optionally a plain-HTTP port whose every request {@link HttpsRedirect} sends to HTTPS.
 */
public final class TlsListeners {
    /** The plain-HTTP connector of --redirect-port, or null; set when the server builds its connectors. */
    private volatile ServerConnector redirectConnector;

    /** Adds the connectors to a Javalin configuration. */
    public void addTo(JavalinConfig c, TlsSettings tls, String host, int port, int redirectPort) {
        c.jetty.addConnector((server, http) -> TlsConnector.create(server, http, tls, host, port));
        if (redirectPort > 0) {
            c.jetty.addConnector((server, http) -> {
                ServerConnector redirect = new ServerConnector(server, new HttpConnectionFactory(http));
                redirect.setHost(host);
                redirect.setPort(redirectPort);
                redirectConnector = redirect;
                return redirect;
            });
        }
    }

    /** The redirect port actually listened on, or -1 when there is none. */
    public int redirectPort() {
        ServerConnector redirect = redirectConnector;
        return redirect == null ? -1 : redirect.getLocalPort();
    }
}
