package dev.pingscope.http;

/**
 * Who a request comes from, as {@link ClientAddress} resolved it.
 *
 * @param address  the client's address in canonical form (a.b.c.d, or RFC 5952 IPv6), for what is stored
 * @param limitKey what every per-client limit counts by and names in its refusals: the IPv4 address, or the
 *                 IPv6 address's /64 (one subscriber's network holds 2^64 addresses, each otherwise a new client)
 */
public record ClientId(String address, String limitKey) {
    /** The client at this address (a UDP peer, which no proxy stands in front of). */
    public static ClientId of(java.net.InetAddress address) {
        return of(address.getAddress());
    }

    /** The client at these 4 or 16 bytes from {@link IpLiteral#parse}. */
    static ClientId of(byte[] bytes) {
        String address = IpLiteral.format(bytes);
        if (bytes.length == 4) {
            return new ClientId(address, address);
        }
        byte[] network = java.util.Arrays.copyOf(bytes, 16);
        java.util.Arrays.fill(network, 8, 16, (byte) 0);
        return new ClientId(address, IpLiteral.format(network) + "/64");
    }
}
