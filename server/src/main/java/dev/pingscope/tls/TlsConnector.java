package dev.pingscope.tls;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * An HTTPS connector that speaks HTTP/2 and HTTP/1.1, chosen by ALPN, so browsers get what real sites
 * serve them (h2). WebSocket runs on the same port (wss:), over HTTP/1.1 or HTTP/2 (RFC 8441).
 */
public final class TlsConnector {
    private TlsConnector() {}

    public static ServerConnector create(Server server, HttpConfiguration plain, TlsSettings tls, String host, int port) {
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Probes are often sent to an IP address or a name the self-signed certificate lacks: do not refuse them.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStorePassword(tls.password());
        ssl.setKeyStoreType("PKCS12");
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);

        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());

        ServerConnector connector = new ServerConnector(server, tlsFactory, alpn, http2, http11);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
