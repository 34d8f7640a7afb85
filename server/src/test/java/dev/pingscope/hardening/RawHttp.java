package dev.pingscope.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request on a plain socket, written byte for byte as given: what a proxy sends upstream, with
 * header lines repeated (a client's forged X-Forwarded-For line, then the one the proxy appended).
 * The answer's head is read at once; the body only when asked, so that a download can be held open.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    final String head;

    private RawHttp(Socket socket, String head) {
        this.socket = socket;
        this.head = head;
    }

    /** @param headerLines whole lines without their CRLF, e.g. {@code "X-Forwarded-For: 203.0.113.5"} */
    static RawHttp send(int port, String method, String path, String body, String... headerLines) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(content);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (answer.length() < 4 || !answer.substring(answer.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            answer.append((char) b);
        }
        return new RawHttp(socket, answer.toString());
    }

    int status() {
        return Integer.parseInt(head.substring(9, 12));
    }

    /** The body of an answer with a Content-Length, up to 64 KiB of it (a download's start, when one was let in). */
    String body() throws IOException {
        long length = head.lines().filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                .mapToLong(line -> Long.parseLong(line.substring(15).trim())).findFirst().orElse(0);
        byte[] bytes = socket.getInputStream().readNBytes((int) Math.min(length, 64 * 1024));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A request whose answer is read whole, and its connection closed. */
    static Answer exchange(int port, String method, String path, String body, String... headerLines) throws IOException {
        try (RawHttp http = send(port, method, path, body, headerLines)) {
            return new Answer(http.status(), http.head, http.body());
        }
    }

    record Answer(int status, String head, String body) {
        @Override
        public String toString() {
            return head + body;
        }
    }
}
