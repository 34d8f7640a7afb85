package dev.pingscope.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a request comes from, for per-client limits. The direct peer's address, unless that peer is a
 * configured trusted proxy (a load balancer), in which case the right-most address in X-Forwarded-For
 * that is not itself a trusted proxy. A client can put anything in X-Forwarded-For, so it is believed
 * only as far as our own proxies vouch for it.
 */
public final class ClientAddress {
    private final List<Cidr> trustedProxies;

    /** @param trustedProxies addresses or CIDR blocks, e.g. 10.0.0.0/8, 127.0.0.1, ::1 */
    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** Checks a proxy list entry; throws IllegalArgumentException naming the bad entry. */
    public static void validate(String entry) {
        Cidr.parse(entry);
    }

    /**
     * Returns the address of the client behind this request, for its limits.
     *
     * @param peer          the direct peer's IP address
     * @param forwardedFor  the X-Forwarded-For header, or null
     */
    public String of(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",", -1);
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !isTrusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        byte[] bytes = Cidr.literalBytes(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    /** An address block: the network's bytes and the prefix length. */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: only contains() reads it
    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] network = literalBytes(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            int prefix = network.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
                }
            }
            return new Cidr(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }

        /** The bytes of an IP literal, never a DNS lookup; null when the text is not a literal. */
        static byte[] literalBytes(String text) {
            String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (IPV4.matcher(s).matches()) {
                return ipv4Bytes(s);
            }
            if (!s.contains(":") || !IPV6_CHARACTERS.matcher(s).matches()) {
                return null;
            }
            // Text with a colon is only ever parsed as an IPv6 literal, never looked up in DNS.
            try {
                byte[] bytes = InetAddress.getByName(s).getAddress();
                // ::ffff:a.b.c.d (how dual-stack sockets show IPv4 peers) compares as a.b.c.d.
                if (bytes.length == 16 && isMappedIpv4(bytes)) {
                    return java.util.Arrays.copyOfRange(bytes, 12, 16);
                }
                return bytes;
            } catch (UnknownHostException e) {
                return null;
            }
        }

        /** a.b.c.d as four bytes, or null when an octet is above 255 (InetAddress would ask DNS about it). */
        private static byte[] ipv4Bytes(String s) {
            String[] octets = s.split("\\.", -1);
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(octets[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }

        private static boolean isMappedIpv4(byte[] b) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) return false;
            }
            return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
        }
    }
}
