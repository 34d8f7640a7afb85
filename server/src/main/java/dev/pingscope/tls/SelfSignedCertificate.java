package dev.pingscope.tls;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a self-signed certificate for local use (localhost, 127.0.0.1, ::1) with the JDK's own keytool,
 * which every JDK and JRE ships: no certificate library needed for a development convenience.
 */
public final class SelfSignedCertificate {
    private SelfSignedCertificate() {}

    /** Creates a fresh keystore in a temporary folder, deleted when the JVM exits. */
    public static TlsSettings create() {
        try {
            Path dir = Files.createTempDirectory("pingscope-tls");
            Path keystore = dir.resolve("self-signed.p12");
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "pingscope",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                    "-dname", "CN=localhost, O=pingscope self-signed",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                    "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", password, "-keypass", password))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), Charset.defaultCharset());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make a certificate: " + output.strip());
            }
            keystore.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return TlsSettings.load(keystore, password, "self-signed for localhost, valid 30 days");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a self-signed certificate", e);
        }
    }
}
