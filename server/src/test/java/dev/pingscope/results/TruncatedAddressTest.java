package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What a result keeps of its client's address: the /24 or /48, computed without a DNS lookup. */
class TruncatedAddressTest {
    @Test
    void ipv4_keeps_its_24_and_ipv6_its_48() {
        assertEquals("203.0.113.0/24", TruncatedAddress.of("203.0.113.77"));
        assertEquals("203.0.113.0/24", TruncatedAddress.of("::ffff:203.0.113.77"));
        assertEquals("2001:db8:1::/48", TruncatedAddress.of("2001:db8:1:2:3:4:5:6"));
        assertEquals("2001:db8::/48", TruncatedAddress.of("2001:db8:0:ffff::1"));
    }

    @Test
    void text_that_is_not_a_literal_keeps_nothing_and_is_never_looked_up() {
        assertNull(TruncatedAddress.of("localhost"));
        assertNull(TruncatedAddress.of("abc"), "hex-looking text once went to InetAddress.getByName");
        assertNull(TruncatedAddress.of(null));
    }
}
