package dev.pingscope.hardening;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that can send what a browser never would: unmasked frames,
 * reserved opcodes, oversize frames, endless fragments; and that can refuse to answer PINGs or to read.
 */
final class RawWebSocket implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final DataInputStream in;
    final String handshake;

    private RawWebSocket(Socket socket, String handshake) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.handshake = handshake;
    }

    /** Connects and upgrades; {@link #handshake} holds the answer's head (101, or the refusal). */
    static RawWebSocket connect(int port, String... extraHeaders) throws IOException {
        Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = socket.getInputStream().read();
            if (b < 0) break;
            head.append((char) b);
        }
        return new RawWebSocket(socket, head.toString());
    }

    int status() {
        return Integer.parseInt(handshake.substring(9, 12));
    }

    /**
     * Sends one frame in a single write: the server may reject a frame on its header alone and close,
     * and a payload written after that would meet a reset socket (a broken pipe) instead of the close frame.
     */
    void send(int opcode, boolean fin, boolean masked, byte[] payload) throws IOException {
        int length = payload.length;
        if (length >= 65_536) {
            throw new IllegalArgumentException("test frames stay under 64 KiB");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(length + 8);
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            frame.write(maskBit | length);
        } else {
            frame.write(maskBit | 126);
            frame.write(length >>> 8);
            frame.write(length & 0xFF);
        }
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
        } else {
            frame.write(payload);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(0x1, true, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One frame from the server: its opcode, whether it is a message's last, and its payload. */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: tests read its fields
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) length = in.readUnsignedShort();
        else if (length == 127) length = in.readLong();
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /** Reads (without answering PINGs) until the server's close frame; returns its code, or -1 if the socket just ended. */
    int awaitClose() throws IOException {
        try {
            while (true) {
                Frame f = read();
                if (f.opcode() == 0x8) {
                    return f.closeCode();
                }
            }
        } catch (EOFException | SocketTimeoutException e) {
            return -1;
        }
    }

    /** The next text frame that is not a server message (hello, ping_rtt, ping_lost); answers PINGs. */
    String nextEcho() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == 0x9) {
                send(0xA, true, true, f.payload());
            } else if (f.opcode() == 0x1 && !f.text().startsWith("{\"type\":")) {
                return f.text();
            } else if (f.opcode() == 0x8) {
                throw new IOException("closed with " + f.closeCode());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
