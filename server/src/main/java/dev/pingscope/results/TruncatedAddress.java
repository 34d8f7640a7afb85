package dev.pingscope.results;

import dev.pingscope.http.IpLiteral;

/** The part of a client's address a result may keep (--results-client-address truncated): its /24 or /48. */
final class TruncatedAddress {
    private TruncatedAddress() {}

    /** 203.0.113.0/24 or 2001:db8:1::/48; null when the text is not an IP address literal. */
    static String of(String address) {
        byte[] b = IpLiteral.parse(address);
        if (b == null) {
            return null;
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        byte[] network = new byte[16];
        System.arraycopy(b, 0, network, 0, 6);
        return IpLiteral.format(network) + "/48";
    }
}
