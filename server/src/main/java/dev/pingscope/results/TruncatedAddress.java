package dev.pingscope.results;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The part of a client's address a result may keep (--results-client-address truncated): its /24 or /48. */
final class TruncatedAddress {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private TruncatedAddress() {}

    /** 203.0.113.0/24 or 2001:db8:1::/48; null when the text is not an IP address literal. */
    static String of(String address) {
        if (address == null || !LITERAL.matcher(address).matches()) {
            return null; // never resolve a name
        }
        byte[] b;
        try {
            b = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        return String.format("%x:%x:%x::/48", ((b[0] & 0xff) << 8) | (b[1] & 0xff), ((b[2] & 0xff) << 8) | (b[3] & 0xff),
                ((b[4] & 0xff) << 8) | (b[5] & 0xff));
    }
}
