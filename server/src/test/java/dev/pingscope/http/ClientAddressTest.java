package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** X-Forwarded-For is believed only as far as the configured proxies vouch for it. */
class ClientAddressTest {
    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    @Test
    void without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        ClientAddress none = new ClientAddress(List.of());
        assertEquals("10.1.2.3", none.of("10.1.2.3", "203.0.113.9"));
        assertEquals("10.1.2.3", none.of("10.1.2.3", null));
    }

    @Test
    void an_untrusted_peer_cannot_claim_another_address() {
        assertEquals("198.51.100.4", behindProxies.of("198.51.100.4", "203.0.113.9"));
    }

    @Test
    void a_trusted_peer_without_the_header_is_the_client() {
        assertEquals("10.0.0.5", behindProxies.of("10.0.0.5", null));
    }

    @Test
    void behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop() {
        // The left-most entries are whatever the client wrote; only the hop our proxy appended is believed.
        assertEquals("203.0.113.9", behindProxies.of("10.0.0.5", "1.2.3.4, 203.0.113.9"));
        assertEquals("203.0.113.9", behindProxies.of("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.200.0.1, 192.168.1.7"));
    }

    @Test
    void blank_hops_and_spaces_are_skipped() {
        assertEquals("203.0.113.9", behindProxies.of("10.0.0.5", " 203.0.113.9 , ,"));
    }

    @Test
    void when_every_hop_is_a_trusted_proxy_the_peer_is_the_client() {
        assertEquals("10.0.0.5", behindProxies.of("10.0.0.5", "10.9.9.9, 192.168.1.7"));
        assertEquals("10.0.0.5", behindProxies.of("10.0.0.5", ""));
    }

    @Test
    void a_single_address_entry_trusts_that_address_only() {
        assertEquals("203.0.113.9", behindProxies.of("192.168.1.7", "203.0.113.9"));
        assertEquals("192.168.1.8", behindProxies.of("192.168.1.8", "203.0.113.9"));
    }

    @Test
    void a_prefix_that_is_not_a_multiple_of_eight_bits_is_matched_bit_by_bit() {
        ClientAddress slash20 = new ClientAddress(List.of("172.16.16.0/20"));
        assertEquals("203.0.113.9", slash20.of("172.16.16.1", "203.0.113.9"), "first address of the block");
        assertEquals("203.0.113.9", slash20.of("172.16.31.255", "203.0.113.9"), "last address of the block");
        assertEquals("172.16.32.0", slash20.of("172.16.32.0", "203.0.113.9"), "just above it");
        assertEquals("172.16.15.255", slash20.of("172.16.15.255", "203.0.113.9"), "just below it");
    }

    @Test
    void slash_zero_trusts_every_address_of_its_family_only() {
        ClientAddress all4 = new ClientAddress(List.of("0.0.0.0/0"));
        // Every IPv4 hop is a trusted proxy then: the client is the right-most IPv6 hop, else the peer.
        assertEquals("2001:db8::9", all4.of("198.51.100.4", "2001:db8::9, 203.0.113.9"));
        assertEquals("198.51.100.4", all4.of("198.51.100.4", "203.0.113.9"));
        assertEquals("2001:db8::1", all4.of("2001:db8::1", "203.0.113.9"), "an IPv6 peer is not in an IPv4 block");
    }

    @Test
    void ipv6_blocks_and_bracketed_literals_are_understood() {
        assertEquals("2001:db8::9", behindProxies.of("fd12:3456::1", "2001:db8::9"));
        assertEquals("2001:db8::9", behindProxies.of("[fd12:3456::1]", "2001:db8::9"));
        assertEquals("fe80::1", behindProxies.of("fe80::1", "2001:db8::9"), "outside fd00::/8");
        assertEquals("2001:db8::9", behindProxies.of("10.0.0.5", "2001:db8::9, fd00::2"));
    }

    @Test
    void an_ipv4_mapped_ipv6_peer_matches_its_ipv4_block() {
        // How a dual-stack socket shows an IPv4 peer.
        assertEquals("203.0.113.9", behindProxies.of("::ffff:10.0.0.5", "203.0.113.9"));
        assertEquals("203.0.113.9", new ClientAddress(List.of("::ffff:10.0.0.5")).of("10.0.0.5", "203.0.113.9"));
    }

    @Test
    void a_host_name_in_the_header_is_never_looked_up_or_trusted() {
        ClientAddress localhost = new ClientAddress(List.of("127.0.0.1"));
        // "localhost" would resolve to a trusted address: it must count as an (untrusted) hop as written.
        assertEquals("localhost", localhost.of("127.0.0.1", "203.0.113.9, localhost"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "127.0.0.1", " 127.0.0.1 ", "::1", "fd00::/8", "0.0.0.0/0", "::/0",
        "10.0.0.0/32", "2001:db8::/128", "[::1]"})
    void valid_entries_are_accepted(String entry) {
        assertDoesNotThrow(() -> ClientAddress.validate(entry));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "proxy.example.com", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/",
        "10.0.0.0/eight", "10.0.0/8", "10.0.0.256", "1.2.3.4.5", "not:an:address:g"})
    void invalid_entries_are_refused_naming_the_entry(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.validate(entry));
        assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("10.0.0.0/8", entry)),
                "the constructor checks every entry too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "10.0.0.256", "300.300.300.300"})
    void a_forwarded_hop_shaped_like_ipv4_but_out_of_range_is_not_trusted(String hop) {
        // Such text once went to InetAddress.getByName, which asks DNS: a lookup per request that a client chose.
        ClientAddress behindProxy = new ClientAddress(List.of("10.0.0.0/8"));
        assertEquals(hop, behindProxy.of("10.0.0.1", "203.0.113.9, " + hop));
    }
}
