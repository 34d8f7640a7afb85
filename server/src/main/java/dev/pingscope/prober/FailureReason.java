package dev.pingscope.prober;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;

/** One line saying why a connection failed (probe, stats), with what to do where the user can do something. */
public final class FailureReason {
    private FailureReason() {}

    public static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof SSLHandshakeException && untrusted(t)) {
            return "TLS: the server's certificate is not trusted (" + t.getMessage()
                    + "); trust its CA with --cacert FILE, or accept any certificate with --insecure";
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "cannot connect: timed out";
        }
        if (t instanceof HttpTimeoutException) {
            return "no answer in time (" + t.getMessage() + ")";
        }
        if (t instanceof ConnectException) {
            return "cannot connect: " + (t.getMessage() == null ? "connection refused" : t.getMessage());
        }
        if (t instanceof WebSocketHandshakeException) {
            return "WebSocket upgrade refused: HTTP " + ((WebSocketHandshakeException) t).getResponse().statusCode();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** A certificate path or host-name failure, as opposed to a protocol or cipher mismatch. */
    private static boolean untrusted(Throwable handshake) {
        for (Throwable c = handshake; c != null; c = c.getCause()) {
            if (c instanceof CertificateException) { // also the JDK's PKIX and host-name failures
                return true;
            }
        }
        return false;
    }
}
