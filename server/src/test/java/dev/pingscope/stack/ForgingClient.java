package dev.pingscope.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A client that writes its requests byte for byte, header lines as given (several X-Forwarded-For lines,
 * garbage, anything), from a loopback address of the test's choosing (127.0.0.0/8 is all the loopback
 * interface's): so the balancer sees a client that is not 127.0.0.1, the address the replicas trust as their
 * proxy. The JDK's HttpClient can choose neither on Java 17.
 */
final class ForgingClient {
    /** A response: status and body (the body read to the end; chunked decoded). */
    record Response(int status, String body) {}

    private final InetAddress from;
    private final int port;

    /**
     * @param from the client's own address, e.g. 127.0.0.7
     * @param port the balancer's port on 127.0.0.1
     */
    ForgingClient(InetAddress from, int port) {
        this.from = from;
        this.port = port;
    }

    /** One request on a connection of its own ({@code Connection: close}). */
    Response send(String method, String path, List<String> headerLines, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
        headerLines.forEach(line -> head.append(line).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(content);
            InputStream in = socket.getInputStream();
            List<String> responseHead = readHead(in);
            int status = status(responseHead);
            boolean chunked = responseHead.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                    && l.toLowerCase(Locale.ROOT).contains("chunked"));
            byte[] raw = in.readAllBytes();
            return new Response(status, new String(chunked ? dechunk(raw) : raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("request " + method + " " + path + " from " + from + " failed", e);
        }
    }

    /** A WebSocket upgrade of /ws: the open socket when it answers 101 (close it to end the session), else the status. */
    record Upgrade(int status, Socket socket) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }
    }

    Upgrade upgrade(List<String> headerLines) {
        byte[] key = new byte[16];
        new java.util.Random().nextBytes(key);
        StringBuilder head = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
                .append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        headerLines.forEach(line -> head.append(line).append("\r\n"));
        head.append("\r\n");
        Socket socket = null;
        try {
            socket = connect();
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            int status = status(readHead(socket.getInputStream()));
            if (status == 101) {
                return new Upgrade(101, socket);
            }
            socket.close();
            return new Upgrade(status, null);
        } catch (IOException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new UncheckedIOException("upgrade from " + from + " failed", e);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static int status(List<String> head) throws IOException {
        String[] statusLine = head.get(0).split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + head.get(0));
        }
        return Integer.parseInt(statusLine[1]);
    }

    /** The response's status line and header lines, up to the empty line. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        throw new IOException("the connection closed inside the response head: " + lines);
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length) {
            int lineEnd = indexOf(raw, i);
            int size = Integer.parseInt(new String(raw, i, lineEnd - i, StandardCharsets.US_ASCII).split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(raw, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return raw.length;
    }
}
