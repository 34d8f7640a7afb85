package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The one IP literal parser: exactly the literals, in canonical form, and nothing else. */
class IpLiteralTest {
    @ParameterizedTest
    @CsvSource({
        "203.0.113.9, 203.0.113.9",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "::, ::",
        "::1, ::1",
        "[::1], ::1",
        "2001:DB8::1, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:db8::, 2001:db8::",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "::ffff:203.0.113.9, 203.0.113.9",
        "::FFFF:cb00:7109, 203.0.113.9",
        "64:ff9b::203.0.113.9, 64:ff9b::cb00:7109",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    })
    void a_literal_parses_to_its_canonical_form(String text, String canonical) {
        assertEquals(canonical, IpLiteral.format(IpLiteral.parse(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "example.com", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
        "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.", "0x1.2.3.4", "2130706433", "1.2.3.4:80", " 1.2.3.4", "1.2.3.4 ",
        ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
        "12345::", "g::1", "::1%1", "fe80::1%eth0", "[::1]:443", "[::1", "::1]", "[]", "[1.2.3.4]x", "::1.2.3", "1.2.3.4::",
        "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "\u0661::1", "\uff11.2.3.4", "::ffff:256.1.1.1"})
    void anything_else_is_not_a_literal(String text) {
        assertNull(IpLiteral.parse(text), text);
    }

    @Test
    void random_addresses_parse_as_the_jdk_parses_their_literals() throws Exception {
        Random random = new Random(17);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.nextBytes(bytes);
            if (bytes.length == 16 && i % 7 == 1) {
                java.util.Arrays.fill(bytes, 2 + random.nextInt(4), 8 + random.nextInt(8), (byte) 0); // runs of zeros
            }
            // InetAddress.getByAddress never looks anything up; its text is the uncompressed form.
            InetAddress jdk = InetAddress.getByAddress(bytes);
            byte[] parsed = IpLiteral.parse(jdk.getHostAddress());
            assertArrayEquals(jdk.getAddress(), parsed, jdk.getHostAddress());
            assertArrayEquals(parsed, IpLiteral.parse(IpLiteral.format(parsed)), "the canonical text parses back");
        }
    }
}
