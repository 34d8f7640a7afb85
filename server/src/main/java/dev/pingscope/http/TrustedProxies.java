package dev.pingscope.http;

import java.util.List;

/**
 * The load balancers (addresses or CIDR blocks, --trusted-proxies) whose forwarding headers are believed:
 * X-Forwarded-For by {@link ClientAddress}, X-Forwarded-Proto and -Host by {@link RequestOrigin}.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> blocks;

    private TrustedProxies(List<Cidr> blocks) {
        this.blocks = blocks;
    }

    /**
     * The list, each entry checked; throws IllegalArgumentException naming a bad one.
     *
     * @param entries addresses or CIDR blocks, e.g. 10.0.0.0/8, 127.0.0.1, ::1
     */
    public static TrustedProxies of(List<String> entries) {
        return new TrustedProxies(entries.stream().map(Cidr::parse).toList());
    }

    /** Checks a list entry; throws IllegalArgumentException naming the bad entry. */
    public static void validate(String entry) {
        Cidr.parse(entry);
    }

    /** Whether this peer address (an IP literal; anything else is not trusted) is one of the proxies. */
    public boolean trusts(String peer) {
        return !blocks.isEmpty() && trusts(IpLiteral.parse(peer));
    }

    /** Whether these address bytes (from {@link IpLiteral#parse}, or null) are one of the proxies. */
    boolean trusts(byte[] address) {
        if (address == null) {
            return false;
        }
        for (Cidr cidr : blocks) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An address block: the network's bytes and the prefix length. */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: only contains() reads it
    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            byte[] network = IpLiteral.parse(slash < 0 ? trimmed : trimmed.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(trimmed.substring(slash + 1));
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
    }
}
