package dev.pingscope.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client that completes the upgrade, reads the hello and then never reads again: the server's
 * PINGs get no PONG, so they count as lost, as with a browser tab that froze or a network that drops.
 */
final class SilentWebSocket implements AutoCloseable {
    private final Socket socket;
    final String helloInstance;

    SilentWebSocket(int port) throws IOException {
        socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String headers = readHeaders(in);
        if (!headers.startsWith("HTTP/1.1 101")) {
            throw new AssertionError("upgrade refused: " + headers);
        }
        helloInstance = new ObjectMapper().readTree(readTextFrame(in)).get("instance").asText();
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed during the upgrade: " + headers);
            }
            headers.write(b);
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    /** One unmasked server text frame shorter than 64 KiB (the hello is about 100 bytes). */
    private static String readTextFrame(InputStream in) throws IOException {
        int opcode = in.read() & 0x0f;
        int length = in.read() & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        }
        byte[] payload = in.readNBytes(length);
        if (opcode != 1 || payload.length != length) {
            throw new AssertionError("expected a text frame, got opcode " + opcode);
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
