package dev.pingscope.results;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** A saved result's id: 128 random bits in base64url, 22 characters. Anything else is no id at all. */
final class ResultId {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

    private ResultId() {}

    static String generate() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Whether the text could be an id this server made (16 bytes leave the last character's low 4 bits zero). */
    static boolean isWellFormed(String text) {
        return text != null && FORM.matcher(text).matches();
    }
}
