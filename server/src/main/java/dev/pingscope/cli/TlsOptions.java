package dev.pingscope.cli;

import dev.pingscope.config.InvalidConfigException;
import dev.pingscope.tls.HttpsSettings;
import dev.pingscope.tls.SelfSignedCertificate;
import dev.pingscope.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * HTTPS on the main port: {@link HttpsSettings}. The keystore is opened now, so that a missing file or a wrong
 * password is a usage error before the server listens; its password comes from a file or the environment only.
 */
final class TlsOptions {
    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS (HTTP/2 and HTTP/1.1) and wss: on --port with the key and certificate in this PKCS12 file;"
                    + " its password comes from PINGSCOPE_TLS_PASSWORD or --tls-password-file.%n  env PINGSCOPE_TLS_KEYSTORE, default: none (plain HTTP)")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE",
            description = "File whose first line is the --tls-keystore password.%n  env PINGSCOPE_TLS_PASSWORD_FILE, default: none")
    Path tlsPasswordFile;

    @Option(names = "--tls-self-signed", arity = "0..1", fallbackValue = "true", defaultValue = "false", paramLabel = "BOOLEAN",
            description = "Serve HTTPS with a certificate for localhost made at start (for local use; browsers will warn).%n  env PINGSCOPE_TLS_SELF_SIGNED, default ${DEFAULT-VALUE}")
    boolean tlsSelfSigned;

    @Option(names = "--redirect-port", paramLabel = "PORT",
            description = "With TLS: also listen for plain HTTP on this port and redirect every request (308) to HTTPS on --port.%n  env PINGSCOPE_REDIRECT_PORT, default ${DEFAULT-VALUE} (none)")
    int redirectPort;

    HttpsSettings settings(Map<String, String> environment) {
        return new HttpsSettings(certificate(environment), redirectPort);
    }

    static void putDefaults(Map<String, String> values) {
        values.put("--redirect-port", Integer.toString(HttpsSettings.NONE.redirectPort()));
    }

    private TlsSettings certificate(Map<String, String> environment) {
        if (tlsKeystore != null && tlsSelfSigned) {
            throw new InvalidConfigException("--tls-self-signed", "cannot be combined with --tls-keystore; choose one");
        }
        if (tlsSelfSigned) {
            return SelfSignedCertificate.create();
        }
        if (tlsKeystore == null) {
            if (tlsPasswordFile != null) {
                throw new InvalidConfigException("--tls-password-file", "is only used with --tls-keystore");
            }
            return null;
        }
        String password;
        if (tlsPasswordFile != null) {
            try {
                password = Files.readAllLines(tlsPasswordFile).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new InvalidConfigException("--tls-password-file", "cannot read " + tlsPasswordFile);
            }
        } else {
            password = environment.get("PINGSCOPE_TLS_PASSWORD");
            if (password == null) {
                throw new InvalidConfigException("--tls-keystore", "needs its password: set PINGSCOPE_TLS_PASSWORD or --tls-password-file");
            }
        }
        try {
            return TlsSettings.load(tlsKeystore, password, "keystore " + tlsKeystore);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--tls-keystore", e.getMessage());
        }
    }
}
