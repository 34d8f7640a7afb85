package dev.pingscope.stack;

import dev.pingscope.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

/** Writes a PKCS12 key and certificate as the PEM files nginx (tls.crt, tls.key) and HAProxy (one .pem) read. */
final class Pem {
    private Pem() {}

    static void write(TlsSettings tls, Path dir) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            store.load(in, tls.password().toCharArray());
        }
        String alias = store.aliases().nextElement();
        Key key = store.getKey(alias, tls.password().toCharArray());
        Certificate cert = store.getCertificate(alias);
        String certPem = block("CERTIFICATE", cert.getEncoded());
        String keyPem = block("PRIVATE KEY", key.getEncoded()); // PKCS#8
        Files.writeString(dir.resolve("tls.crt"), certPem);
        Files.writeString(dir.resolve("tls.key"), keyPem);
        Files.writeString(dir.resolve("pingscope.pem"), certPem + keyPem);
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
