package dev.pingscope.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.properties.Inputs;
import dev.pingscope.properties.Property;
import dev.pingscope.properties.Shrink;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The echo's UTF-8 check, cut into fragments anywhere, agrees with the JDK's strict decoder on every input:
 * valid text (echoed) and invalid text (closed with 1007) are told apart as RFC 6455 requires.
 */
class Utf8CheckPropertyTest {

    /** Mostly text, with invalid sequences spliced in now and then: random bytes alone are almost never valid. */
    private static byte[] textish(Random r) {
        byte[] text = Inputs.text(r, 60).getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(4)) {
            case 0 -> text;
            case 1 -> Inputs.mutateBytes(r, text);
            case 2 -> {
                byte[] b = new byte[r.nextInt(12)];
                r.nextBytes(b);
                yield b;
            }
            default -> {
                byte[] bad = Inputs.invalidUtf8(r);
                int at = r.nextInt(text.length + 1);
                byte[] out = new byte[text.length + bad.length];
                System.arraycopy(text, 0, out, 0, at);
                System.arraycopy(bad, 0, out, at, bad.length);
                System.arraycopy(text, at, out, at + bad.length, text.length - at);
                yield out;
            }
        };
    }

    static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The check over the bytes in fragments cut at pseudo-random points (the same points for a given input). */
    private static boolean checkAccepts(byte[] bytes) {
        Random cuts = new Random(java.util.Arrays.hashCode(bytes));
        int state = Utf8Check.BOUNDARY;
        int at = 0;
        while (at < bytes.length) {
            int n = 1 + cuts.nextInt(Math.min(8, bytes.length - at));
            // A fragment sits at an offset in a larger buffer, as Jetty's do.
            ByteBuffer fragment = ByteBuffer.allocate(n + 4);
            fragment.position(2);
            fragment.put(bytes, at, n).flip().position(2);
            state = Utf8Check.scan(state, fragment);
            assertEquals(2, fragment.position(), "the scan leaves the buffer's position as it was");
            at += n;
        }
        return state == Utf8Check.BOUNDARY;
    }

    @Test
    void the_fragment_check_agrees_with_the_jdk_decoder() {
        int[] invalid = {0};
        Property.of("echo UTF-8 check vs JDK decoder", 20_000, r -> {
                    byte[] b = textish(r);
                    if (!jdkAccepts(b)) {
                        invalid[0]++;
                    }
                    return b;
                }, Shrink::bytes)
                .check(b -> assertEquals(jdkAccepts(b), checkAccepts(b), "valid UTF-8 by the JDK: " + jdkAccepts(b)));
        System.out.printf("  of which invalid UTF-8: %d%n", invalid[0]);
    }
}
