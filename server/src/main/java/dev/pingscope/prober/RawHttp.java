package dev.pingscope.prober;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http cannot do: time a TCP and a TLS handshake apart
 * (foreign probes) and keep exactly one TCP connection per load stream, read and written without any
 * per-chunk allocation.
 */
final class RawHttp {
    private RawHttp() {}

    /** The head of a response: its status, and where in the buffer the body begins and the bytes read end. */
    record Head(int status, String statusLine, int bodyStart, int filled) {}

    static String host(URI target) {
        return target.getHost();
    }

    static int port(URI target) {
        return target.getPort() > 0 ? target.getPort() : Targets.isTls(target) ? 443 : 80;
    }

    /** The Host header's value: the target's authority. */
    static String authority(URI target) {
        return target.getRawAuthority();
    }

    /**
     * A new TCP connection, not yet secured: a socket channel's socket, so that the kernel's view of it can be read
     * (tcpinfo.TcpSockets).
     */
    static Socket connect(URI target, int timeoutMillis) throws IOException {
        Socket socket = SocketChannel.open().socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host(target), port(target)), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    /** TLS over the connection, handshake done, the certificate checked against the target's host name. */
    static SSLSocket secure(Socket tcp, URI target, ProbeOptions options) throws IOException {
        SSLSocket tls = (SSLSocket) options.trust().sslContext().getSocketFactory()
                .createSocket(tcp, host(target), port(target), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /** A connection ready for HTTP/1.1: secured when the target is https. */
    static Socket open(URI target, ProbeOptions options, int timeoutMillis) throws IOException {
        Socket tcp = connect(target, timeoutMillis);
        try {
            return Targets.isTls(target) ? secure(tcp, target, options) : tcp;
        } catch (IOException e) {
            tcp.close();
            throw e;
        }
    }

    static byte[] request(String method, URI target, String pathAndQuery, String extraHeaders) {
        return (method + " " + pathAndQuery + " HTTP/1.1\r\nHost: " + authority(target)
                + "\r\nUser-Agent: pingscope-probe\r\nAccept-Encoding: identity\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads until the end of the response head (which must fit the buffer); body bytes read with it stay in the buffer. */
    static Head readHead(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("the server closed the connection before a whole response head");
            }
            filled += n;
            for (int i = 3; i < filled; i++) {
                if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n') {
                    int lineEnd = 0;
                    while (buffer[lineEnd] != '\r') {
                        lineEnd++;
                    }
                    String statusLine = new String(buffer, 0, lineEnd, StandardCharsets.US_ASCII);
                    String[] parts = statusLine.split(" ", 3);
                    int status;
                    try {
                        status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
                    } catch (NumberFormatException e) {
                        status = -1;
                    }
                    return new Head(status, statusLine, i + 1, filled);
                }
            }
        }
        throw new IOException("response head larger than " + buffer.length + " bytes");
    }
}
