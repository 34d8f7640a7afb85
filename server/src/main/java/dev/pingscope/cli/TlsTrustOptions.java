package dev.pingscope.cli;

import dev.pingscope.prober.TlsTrust;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --insecure} and {@code --cacert}: which servers' certificates a client command trusts over TLS. */
public final class TlsTrustOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--insecure", description = "Accept any TLS certificate for any host name (a self-signed test server).")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file (a private CA, or a self-signed server's own"
                    + " certificate) instead of the JDK's, for every https:// and wss:// the command connects to.")
    Path caCert;

    /** The trust the options ask for; a usage error names the option when they cannot be used. */
    TlsTrust trust() {
        if (insecure && caCert != null) {
            throw invalid("give either --cacert or --insecure, not both");
        }
        if (insecure) {
            return TlsTrust.anyCertificate();
        }
        if (caCert == null) {
            return TlsTrust.system();
        }
        try {
            return TlsTrust.caFile(caCert);
        } catch (IOException e) {
            throw invalid("cannot read certificates from " + caCert + ": " + e.getMessage());
        }
    }

    private CommandLine.ParameterException invalid(String problem) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--cacert': " + problem);
    }
}
