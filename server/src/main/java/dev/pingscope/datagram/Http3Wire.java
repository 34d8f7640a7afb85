package dev.pingscope.datagram;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The parts of HTTP/3 (RFC 9114) that a WebTransport session over datagrams needs: QUIC variable-length
 * integers (RFC 9000, 16), frames as type, length, payload, and the server's SETTINGS. Reading is bounded:
 * a frame longer than the caller allows is an error before its payload is read.
 */
final class Http3Wire {
    private Http3Wire() {}

    static final long FRAME_DATA = 0x00;
    static final long FRAME_HEADERS = 0x01;
    static final long FRAME_SETTINGS = 0x04;
    static final long STREAM_CONTROL = 0x00;

    static final long SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0x01;
    static final long SETTINGS_QPACK_BLOCKED_STREAMS = 0x07;
    static final long SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x08;
    static final long SETTINGS_H3_DATAGRAM = 0x33;
    /** draft-ietf-webtrans-http3-02's SETTINGS_ENABLE_WEBTRANSPORT, which Chromium asks for with the draft02 header. */
    static final long SETTINGS_ENABLE_WEBTRANSPORT_DRAFT02 = 0x2b603742L;

    static final long H3_NO_ERROR = 0x100;
    static final long H3_FRAME_ERROR = 0x106;
    static final long H3_EXCESSIVE_LOAD = 0x107;
    static final long H3_MESSAGE_ERROR = 0x10e;
    static final long H3_REQUEST_REJECTED = 0x10b;
    static final long QPACK_DECOMPRESSION_FAILED = 0x200;

    /** A frame as read: its type and payload (read once by its caller, never compared, so an array is fine). */
    @SuppressWarnings("ArrayRecordComponent")
    record Frame(long type, byte[] payload) {}

    /** A malformed or oversized frame: the connection is closed with this HTTP/3 error code. */
    static final class WireException extends IOException {
        private static final long serialVersionUID = 1L;
        final long errorCode;

        WireException(long errorCode, String message) {
            super(message);
            this.errorCode = errorCode;
        }
    }

    /** Reads a variable-length integer, or -1 at the end of the stream before its first byte. */
    static long readVarint(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        int length = 1 << (first >> 6);
        long value = first & 0x3f;
        for (int i = 1; i < length; i++) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("stream ended inside a variable-length integer");
            }
            value = (value << 8) | next;
        }
        return value;
    }

    /** Reads a variable-length integer at {@code offset} of {@code data}; returns its length in bytes, or 0 if cut short. */
    static int varintLength(byte[] data, int offset) {
        if (offset >= data.length) {
            return 0;
        }
        int length = 1 << ((data[offset] & 0xff) >> 6);
        return offset + length <= data.length ? length : 0;
    }

    static long varintAt(byte[] data, int offset, int length) {
        long value = data[offset] & 0x3f;
        for (int i = 1; i < length; i++) {
            value = (value << 8) | (data[offset + i] & 0xff);
        }
        return value;
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
        if (value < 0x40) {
            out.write((int) value);
        } else if (value < 0x4000) {
            out.write((int) (0x40 | value >> 8));
            out.write((int) value);
        } else if (value < 0x4000_0000L) {
            out.write((int) (0x80 | value >> 24));
            out.write((int) (value >> 16));
            out.write((int) (value >> 8));
            out.write((int) value);
        } else {
            out.write((int) (0xc0 | value >> 56));
            for (int shift = 48; shift >= 0; shift -= 8) {
                out.write((int) (value >> shift));
            }
        }
    }

    /**
     * Reads one frame whose payload is at most {@code maxPayload} bytes; null at the end of the stream.
     *
     * @throws WireException for a longer frame (H3_EXCESSIVE_LOAD) or one cut short (H3_FRAME_ERROR)
     */
    static Frame readFrame(InputStream in, int maxPayload) throws IOException {
        long type = readVarint(in);
        if (type < 0) {
            return null;
        }
        long length = readVarint(in);
        if (length < 0) {
            throw new WireException(H3_FRAME_ERROR, "stream ended inside a frame header");
        }
        if (length > maxPayload) {
            throw new WireException(H3_EXCESSIVE_LOAD, "frame of " + length + " bytes, more than the " + maxPayload + " allowed");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new WireException(H3_FRAME_ERROR, "stream ended inside a frame");
        }
        return new Frame(type, payload);
    }

    static byte[] frame(long type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        writeVarint(out, type);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * The server's control stream as written: its type, then SETTINGS with no dynamic QPACK table (so that a
     * request's field section never refers to one), extended CONNECT, HTTP datagrams and WebTransport.
     */
    static byte[] controlStreamStart() {
        ByteArrayOutputStream settings = new ByteArrayOutputStream();
        long[][] pairs = {
            {SETTINGS_QPACK_MAX_TABLE_CAPACITY, 0},
            {SETTINGS_QPACK_BLOCKED_STREAMS, 0},
            {SETTINGS_ENABLE_CONNECT_PROTOCOL, 1},
            {SETTINGS_H3_DATAGRAM, 1},
            {SETTINGS_ENABLE_WEBTRANSPORT_DRAFT02, 1},
        };
        for (long[] pair : pairs) {
            writeVarint(settings, pair[0]);
            writeVarint(settings, pair[1]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, STREAM_CONTROL);
        out.writeBytes(frame(FRAME_SETTINGS, settings.toByteArray()));
        return out.toByteArray();
    }
}
