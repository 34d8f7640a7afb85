package dev.pingscope.websocket;

import java.nio.ByteBuffer;

/**
 * Checks that text arrives as valid UTF-8, fragment by fragment, without decoding it: the echo sends the
 * received bytes back as they are, and RFC 6455 requires failing a connection on invalid text (1007).
 * The state between fragments is one int: 0 at a character boundary, {@link #INVALID} after a bad byte,
 * otherwise the continuation bytes still needed and the range the next one must fall in.
 */
final class Utf8Check {
    static final int BOUNDARY = 0;
    static final int INVALID = -1;

    private Utf8Check() {}

    /** Returns the state after the buffer's remaining bytes; the buffer's position is left as it was. */
    static int scan(int state, ByteBuffer bytes) {
        if (state == INVALID) {
            return INVALID;
        }
        int needed = state & 3;
        int lower = (state >>> 8) & 0xFF;
        int upper = (state >>> 16) & 0xFF;
        for (int i = bytes.position(), end = bytes.limit(); i < end; i++) {
            int b = bytes.get(i) & 0xFF;
            if (needed == 0) {
                if (b < 0x80) {
                    continue;
                }
                lower = 0x80;
                upper = 0xBF;
                if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    needed = 2;
                    lower = b == 0xE0 ? 0xA0 : 0x80; // no overlong form
                    upper = b == 0xED ? 0x9F : 0xBF; // no surrogate
                } else if (b >= 0xF0 && b <= 0xF4) {
                    needed = 3;
                    lower = b == 0xF0 ? 0x90 : 0x80; // no overlong form
                    upper = b == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
                } else {
                    return INVALID;
                }
            } else {
                if (b < lower || b > upper) {
                    return INVALID;
                }
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
        }
        return needed == 0 ? BOUNDARY : needed | (lower << 8) | (upper << 16);
    }
}
