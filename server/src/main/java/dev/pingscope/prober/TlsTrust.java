package dev.pingscope.prober;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which TLS servers a client accepts: the JDK's default CAs, the CAs of a PEM file (--cacert), or any
 * certificate for any host name (--insecure, for self-signed test servers).
 */
public final class TlsTrust {
    private final SSLContext context;
    private final String description;

    private TlsTrust(SSLContext context, String description) {
        this.context = context;
        this.description = description;
    }

    public static TlsTrust system() {
        try {
            return new TlsTrust(SSLContext.getDefault(), "the JDK's default CAs");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /** Trusts the certificates of a PEM file (one or more), and only them. Host names are still checked. */
    public static TlsTrust caFile(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + pem);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return new TlsTrust(context(factory.getTrustManagers()), "the CA certificates of " + pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate for any host name: for self-signed servers, never for measuring strangers. */
    public static TlsTrust anyCertificate() {
        try {
            return new TlsTrust(context(new TrustManager[] {new AcceptingTrustManager()}), "any certificate (--insecure)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context", e);
        }
    }

    public SSLContext sslContext() {
        return context;
    }

    @Override
    public String toString() {
        return description;
    }

    private static SSLContext context(TrustManager[] managers) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers, null);
        return context;
    }

    /**
     * An X509ExtendedTrustManager, not a plain X509TrustManager: the JDK wraps plain ones in a wrapper that
     * still checks the host name, which a self-signed certificate for another name would fail.
     */
    private static final class AcceptingTrustManager extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
