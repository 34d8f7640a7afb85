package dev.pingscope.http;

/**
 * IP address literals as a client or a proxy writes them, parsed here and nowhere else, never by a DNS
 * lookup ({@code InetAddress.getByName} asks DNS about text it cannot parse, so client text must not reach
 * it). Strict: dotted decimal IPv4 without leading zeros (010.0.0.1 may mean octal to another parser), IPv6
 * per RFC 4291 with an optional dotted IPv4 tail and optional [brackets]; no zone, no port, no spaces.
 */
public final class IpLiteral {
    /** The longest IPv6 literal: eight groups of four plus seven colons, or six groups plus a dotted IPv4. */
    private static final int MAX_IPV6_CHARS = 45;

    private IpLiteral() {}

    /**
     * The 4 bytes of an IPv4 literal or the 16 of an IPv6 one; an IPv4-mapped IPv6 address
     * ({@code ::ffff:a.b.c.d}, how a dual-stack socket shows an IPv4 peer) gives its 4 IPv4 bytes.
     *
     * @return null when the text is not an IP literal
     */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.length() > 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']'
                ? text.substring(1, text.length() - 1) : text;
        if (s.indexOf(':') < 0) {
            return ipv4(s, 0, s.length());
        }
        byte[] bytes = ipv6(s);
        return bytes != null && isMappedIpv4(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    /** a.b.c.d, or the RFC 5952 form of an IPv6 address (lower case, longest zero run as ::). */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Dotted decimal in s[from, to), or null. */
    private static byte[] ipv4(String s, int from, int to) {
        byte[] bytes = new byte[4];
        int octet = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && s.charAt(i) != '.') {
                continue;
            }
            int length = i - start;
            if (octet == 4 || length < 1 || length > 3 || (length > 1 && s.charAt(start) == '0')) {
                return null;
            }
            int value = 0;
            for (int k = start; k < i; k++) {
                char c = s.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            bytes[octet++] = (byte) value;
            start = i + 1;
        }
        return octet == 4 ? bytes : null;
    }

    private static byte[] ipv6(String s) {
        if (s.length() < 2 || s.length() > MAX_IPV6_CHARS) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null; // at most one ::
        }
        int[] head = new int[8];
        int[] tail = new int[8];
        int headCount;
        int tailCount;
        if (gap < 0) {
            headCount = groups(s, 0, s.length(), head, true);
            tailCount = 0;
            if (headCount != 8) {
                return null;
            }
        } else {
            headCount = gap == 0 ? 0 : groups(s, 0, gap, head, false);
            tailCount = gap + 2 == s.length() ? 0 : groups(s, gap + 2, s.length(), tail, true);
            if (headCount < 0 || tailCount < 0 || headCount + tailCount > 7) {
                return null;
            }
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < headCount; i++) {
            bytes[2 * i] = (byte) (head[i] >> 8);
            bytes[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tailCount; i++) {
            int at = 8 - tailCount + i;
            bytes[2 * at] = (byte) (tail[i] >> 8);
            bytes[2 * at + 1] = (byte) tail[i];
        }
        return bytes;
    }

    /**
     * The 16-bit groups of s[from, to), colon separated; when these end the address, the last one may be a
     * dotted IPv4 (two groups).
     *
     * @return how many groups, or -1 when the text is not groups
     */
    private static int groups(String s, int from, int to, int[] into, boolean endsAddress) {
        int count = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && s.charAt(i) != ':') {
                continue;
            }
            int length = i - start;
            if (length < 1) {
                return -1;
            }
            if (endsAddress && i == to && s.indexOf('.', start) >= 0 && s.indexOf('.', start) < to) {
                byte[] v4 = ipv4(s, start, to);
                if (v4 == null || count > 6) {
                    return -1;
                }
                into[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                into[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                return count;
            }
            if (length > 4 || count == 8) {
                return -1;
            }
            int value = 0;
            for (int k = start; k < i; k++) {
                int digit = hexDigit(s.charAt(k));
                if (digit < 0) {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            into[count++] = value;
            start = i + 1;
        }
        return count;
    }

    /** ASCII only: Character.digit would take other scripts' digits, another spelling of one address. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static boolean isMappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
