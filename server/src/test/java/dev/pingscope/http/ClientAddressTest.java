package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** X-Forwarded-For is believed only as far as the configured proxies vouch for it. */
class ClientAddressTest {
    private final ClientAddress behindProxies = resolver("10.0.0.0/8", "192.168.1.7", "fd00::/8");

    private static ClientAddress resolver(String... proxies) {
        return new ClientAddress(TrustedProxies.of(List.of(proxies)));
    }

    private static String client(ClientAddress resolver, String peer, String... lines) {
        return resolver.of(peer, List.of(lines)).address();
    }

    private String client(String peer, String... lines) {
        return client(behindProxies, peer, lines);
    }

    @Test
    void without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        ClientAddress none = new ClientAddress(TrustedProxies.NONE);
        assertEquals("10.1.2.3", client(none, "10.1.2.3", "203.0.113.9"));
        assertEquals("10.1.2.3", client(none, "10.1.2.3"));
    }

    @Test
    void an_untrusted_peer_cannot_claim_another_address() {
        assertEquals("198.51.100.4", client("198.51.100.4", "203.0.113.9"));
    }

    @Test
    void a_trusted_peer_without_the_header_is_the_client() {
        assertEquals("10.0.0.5", client("10.0.0.5"));
    }

    @Test
    void behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop() {
        // The left-most entries are whatever the client wrote; only the hop our proxy appended is believed.
        assertEquals("203.0.113.9", client("10.0.0.5", "1.2.3.4, 203.0.113.9"));
        assertEquals("203.0.113.9", client("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.200.0.1, 192.168.1.7"));
    }

    @Test
    void every_line_is_read_in_order_as_one_list_so_a_forged_first_line_is_never_the_client() {
        // HAProxy's option forwardfor appends its own line after the client's.
        assertEquals("203.0.113.9", client("10.0.0.5", "198.51.100.1", "203.0.113.9"));
        assertEquals("203.0.113.9", client("10.0.0.5", "198.51.100.1, 198.51.100.2", "203.0.113.9, 10.0.0.7"));
        assertEquals("203.0.113.9", client("10.0.0.5", "198.51.100.1", "203.0.113.9", "10.0.0.8", ""));
    }

    @Test
    void blank_hops_and_spaces_are_skipped() {
        assertEquals("203.0.113.9", client("10.0.0.5", " 203.0.113.9 , ,"));
    }

    @Test
    void when_every_hop_is_a_trusted_proxy_the_left_most_of_them_is_the_client() {
        assertEquals("10.9.9.9", client("10.0.0.5", "10.9.9.9, 192.168.1.7"));
        assertEquals("10.0.0.5", client("10.0.0.5", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "proxy.example.com", "unknown", "203.0.113.9:4711", "[2001:db8::1]:443",
        "_hidden", "999.1.1.1", "10.0.0.256", "010.0.0.1", "0x7f.0.0.1", "2130706433", "1.2.3", "2001:db8::1%eth0",
        "2001:db8:::1", "\u0661.2.3.4", "2001:db8::1 203.0.113.1", "fe80::1::2"})
    void an_entry_that_is_not_an_ip_literal_stops_the_walk_at_the_proxy_that_reported_it(String garbage) {
        assertEquals("10.0.0.7", client("10.0.0.5", "203.0.113.9, " + garbage + ", 10.0.0.7"),
                "garbage must never become a key the client chooses");
        assertEquals("10.0.0.5", client("10.0.0.5", garbage));
        assertEquals("10.0.0.5", client("10.0.0.5", "203.0.113.9", garbage), "on a line of its own too");
    }

    @Test
    void a_host_name_in_the_header_is_never_looked_up_or_trusted() {
        // "localhost" would resolve to the trusted 127.0.0.1: it is text, and the proxy that wrote it is the client.
        assertEquals("127.0.0.1", client(resolver("127.0.0.1"), "127.0.0.1", "203.0.113.9, localhost"));
    }

    @Test
    void a_single_address_entry_trusts_that_address_only() {
        assertEquals("203.0.113.9", client("192.168.1.7", "203.0.113.9"));
        assertEquals("192.168.1.8", client("192.168.1.8", "203.0.113.9"));
    }

    @Test
    void a_prefix_that_is_not_a_multiple_of_eight_bits_is_matched_bit_by_bit() {
        ClientAddress slash20 = resolver("172.16.16.0/20");
        assertEquals("203.0.113.9", client(slash20, "172.16.16.1", "203.0.113.9"), "first address of the block");
        assertEquals("203.0.113.9", client(slash20, "172.16.31.255", "203.0.113.9"), "last address of the block");
        assertEquals("172.16.32.0", client(slash20, "172.16.32.0", "203.0.113.9"), "just above it");
        assertEquals("172.16.15.255", client(slash20, "172.16.15.255", "203.0.113.9"), "just below it");
    }

    @Test
    void slash_zero_trusts_every_address_of_its_family_only() {
        ClientAddress all4 = resolver("0.0.0.0/0");
        assertEquals("2001:db8::9", client(all4, "198.51.100.4", "2001:db8::9, 203.0.113.9"));
        assertEquals("203.0.113.9", client(all4, "198.51.100.4", "203.0.113.9"), "every IPv4 hop trusted: the left-most");
        assertEquals("2001:db8::1", client(all4, "2001:db8::1", "203.0.113.9"), "an IPv6 peer is not in an IPv4 block");
    }

    @Test
    void ipv6_blocks_and_bracketed_literals_are_understood() {
        assertEquals("2001:db8::9", client("fd12:3456::1", "2001:db8::9"));
        assertEquals("2001:db8::9", client("[fd12:3456::1]", "2001:db8::9"));
        assertEquals("2001:db8::9", client("10.0.0.5", "[2001:db8::9]"));
        assertEquals("fe80::1", client("fe80::1", "2001:db8::9"), "outside fd00::/8");
        assertEquals("2001:db8::9", client("10.0.0.5", "2001:db8::9, fd00::2"));
    }

    @Test
    void an_ipv4_mapped_ipv6_address_is_that_ipv4_address() {
        // How a dual-stack socket shows an IPv4 peer.
        assertEquals("203.0.113.9", client("::ffff:10.0.0.5", "203.0.113.9"));
        assertEquals("203.0.113.9", client(resolver("::ffff:10.0.0.5"), "10.0.0.5", "203.0.113.9"));
        ClientId mapped = behindProxies.of("10.0.0.5", List.of("::ffff:203.0.113.9"));
        assertEquals(new ClientId("203.0.113.9", "203.0.113.9"), mapped);
        assertEquals(new ClientId("198.51.100.4", "198.51.100.4"), behindProxies.of("::ffff:c633:6404", List.of()));
    }

    @Test
    void an_ipv4_client_is_limited_by_its_address_and_an_ipv6_client_by_its_64() {
        assertEquals(new ClientId("203.0.113.9", "203.0.113.9"), behindProxies.of("10.0.0.5", List.of("203.0.113.9")));
        ClientId v6 = behindProxies.of("10.0.0.5", List.of("2001:0DB8:0001:0002:0003:0004:0005:0006"));
        assertEquals(new ClientId("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), v6, "canonical text, keyed by the /64");
        for (String sameNetwork : List.of("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::")) {
            assertEquals("2001:db8:1:2::/64", behindProxies.of("10.0.0.5", List.of(sameNetwork)).limitKey(), sameNetwork);
        }
        assertEquals("2001:db8:1:3::/64", behindProxies.of("10.0.0.5", List.of("2001:db8:1:3::1")).limitKey());
        assertEquals("2001:db8::/64", behindProxies.of("2001:db8::77", List.of()).limitKey(), "an IPv6 peer too");
    }

    @Test
    void a_chain_longer_than_the_cap_ends_at_the_last_trusted_hop_read() {
        List<String> hops = new ArrayList<>();
        hops.add("203.0.113.9");
        for (int i = 0; i < ClientAddress.MAX_ENTRIES; i++) {
            hops.add("10.0.0." + (i + 1));
        }
        assertEquals("10.0.0.1", client("10.0.0.99", String.join(", ", hops.subList(1, hops.size()))),
                "exactly the cap: every trusted hop read");
        assertEquals("10.0.0.1", client("10.0.0.99", String.join(", ", hops)), "one more: the client beyond is not read");
        assertEquals("10.0.0.1", client("10.0.0.99", hops.toArray(String[]::new)), "the same in lines");
    }

    @Test
    void a_huge_header_costs_as_little_as_a_small_one() {
        String huge = "203.0.113.1, ".repeat(200_000) + "203.0.113.9";
        String noCommas = "1".repeat(1_000_000);
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            assertEquals("203.0.113.9", client("10.0.0.5", huge));
            assertEquals("10.0.0.5", client("10.0.0.5", noCommas));
            assertEquals("10.0.0.5", client("10.0.0.5", " ".repeat(100) + "203.0.113.9"));
        }
        long micros = (System.nanoTime() - start) / 1_000 / 30_000;
        assertTrue(micros < 50, "each walk read only the right-most entries, yet took " + micros + " us");
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
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/8", entry)),
                "the list checks every entry too");
    }
}
