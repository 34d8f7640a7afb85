package dev.pingscope.properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a refusal's reason must be: one short line of printable text, whatever the client sent. */
public final class OneLine {
    /** Long enough for every reason the parsers write with a shortened value in it; far below an echoed body. */
    public static final int MAX_CHARS = 300;

    private OneLine() {}

    public static void assertOneLine(String reason) {
        assertNotNull(reason, "a reason is given");
        assertFalse(reason.isBlank(), "the reason is not blank");
        assertTrue(reason.length() <= MAX_CHARS, "the reason is at most " + MAX_CHARS + " characters, not "
                + reason.length() + ": " + Property.describe(reason.substring(0, Math.min(200, reason.length()))));
        reason.codePoints().forEach(c -> assertFalse(
                Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.SURROGATE,
                () -> "the reason holds no control character, line separator or lone surrogate: " + Property.describe(reason)));
    }
}
