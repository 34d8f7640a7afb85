package dev.pingscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.HexFormat;

/**
 * The server's TLS key and certificate: a PKCS12 keystore and its password. {@link #load} checks both at
 * start, so a missing file or a wrong password is an error before the server listens. {@link #toString}
 * leaves the password out.
 */
public record TlsSettings(Path keystore, String password, String description) {

    /**
     * Checks that the keystore opens with this password and holds a key.
     *
     * @throws IllegalArgumentException with a one-line reason when the keystore cannot be used
     */
    public static TlsSettings load(Path keystore, String password, String description) {
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("cannot read keystore " + keystore);
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    store.getKey(alias, password.toCharArray());
                    return new TlsSettings(keystore, password, description + ", " + fingerprint(store.getCertificate(alias)));
                }
            }
            throw new IllegalArgumentException("keystore " + keystore + " holds no private key");
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException caused by an UnrecoverableKeyException.
            throw new IllegalArgumentException("cannot open keystore " + keystore + " (wrong password, or not PKCS12): "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use keystore " + keystore + ": " + e.getMessage());
        }
    }

    /** Never the password: settings end up in logs and error messages. */
    @Override
    public String toString() {
        return "TlsSettings[keystore=" + keystore + ", password=(hidden), " + description + "]";
    }

    private static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return "certificate SHA-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
