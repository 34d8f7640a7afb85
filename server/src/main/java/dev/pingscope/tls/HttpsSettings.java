package dev.pingscope.tls;

import dev.pingscope.config.Check;
import dev.pingscope.config.InvalidConfigException;

/**
 * HTTPS on the main port (docs/operations.md): the key and certificate, and a plain-HTTP port that redirects.
 *
 * @param certificate  the key and certificate (--tls-keystore or --tls-self-signed), or null for plain HTTP
 * @param redirectPort with a certificate: a plain-HTTP port whose every request is redirected (308) to HTTPS; 0 for none
 */
public record HttpsSettings(TlsSettings certificate, int redirectPort) {
    public static final HttpsSettings NONE = new HttpsSettings(null, 0);

    public HttpsSettings {
        Check.range("--redirect-port", redirectPort, 0, 65_535);
        if (redirectPort != 0 && certificate == null) {
            throw new InvalidConfigException("--redirect-port", "redirects to HTTPS, so it needs --tls-keystore or --tls-self-signed");
        }
    }

    public boolean enabled() {
        return certificate != null;
    }

    /** "https" with a certificate, else "http". */
    public String scheme() {
        return certificate == null ? "http" : "https";
    }
}
