package dev.pingscope.http;

import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.server.Request;

/**
 * Who a request comes from, for every per-client limit and for what a saved result keeps: the one reader of
 * X-Forwarded-For. The direct peer is the client unless it is a trusted proxy. Behind trusted proxies, every
 * X-Forwarded-For line is read, in order, as one comma list (a proxy such as HAProxy appends its own line
 * after the lines the client sent), and walked from the right past trusted proxies; the first entry that is
 * not a trusted proxy is the client (nginx's recursive real_ip, Envoy's trusted hops). Whatever stands left
 * of it is the client's own writing and is never read.
 *
 * <p>An entry that is not a plain IP literal (a host name, "unknown", an address with a port, an obfuscated
 * or overlong form, anything past {@link #MAX_ENTRIES} entries) stops the walk, and the client is then the
 * trusted proxy that reported it: garbage must never become a key a client can vary at will. Nothing is
 * ever looked up in DNS. The walk reads at most {@link #MAX_ENTRIES} entries of {@link #MAX_ENTRY_CHARS}
 * characters each, from the right, so a huge header costs no more than a small one.
 */
public final class ClientAddress {
    private static final String HEADER = "X-Forwarded-For";
    /** Entries read from the right before the walk gives up; more proxies than this in a chain is a forgery. */
    public static final int MAX_ENTRIES = 32;
    /** An entry longer than this (the longest IPv6 literal is 45, plus brackets and spaces) is garbage. */
    public static final int MAX_ENTRY_CHARS = 64;

    private final TrustedProxies trusted;

    public ClientAddress(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** Checks a --trusted-proxies entry; throws IllegalArgumentException naming the bad entry. */
    public static void validate(String entry) {
        TrustedProxies.validate(entry);
    }

    /** For a Jetty core handler (the load endpoints, the WebSocket upgrade). */
    public ClientId of(Request request) {
        String peer = Request.getRemoteAddr(request);
        return of(peer, trusted.trusts(peer) ? request.getHeaders().getValuesList(HEADER) : List.of());
    }

    /**
     * Whether the request's peer is the client itself rather than a trusted proxy: what the kernel knows of the
     * connection (its RTT) describes the client only then.
     */
    public boolean direct(Request request) {
        return !trusted.trusts(Request.getRemoteAddr(request));
    }

    /** For a Javalin route. */
    public ClientId of(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        return of(peer, trusted.trusts(peer) ? Collections.list(ctx.req().getHeaders(HEADER)) : List.of());
    }

    /**
     * The client behind a request from {@code peer}.
     *
     * @param peer         the direct peer's IP address
     * @param forwardedFor every X-Forwarded-For line of the request, in the order received
     */
    public ClientId of(String peer, List<String> forwardedFor) {
        byte[] reporter = IpLiteral.parse(peer);
        if (reporter == null) {
            return new ClientId(peer, peer); // not a socket address (never seen): the peer as the server names it
        }
        if (!trusted.trusts(reporter)) {
            return ClientId.of(reporter);
        }
        int entries = 0;
        for (int line = forwardedFor.size() - 1; line >= 0; line--) {
            String text = forwardedFor.get(line);
            int end = text.length();
            while (end >= 0) {
                if (++entries > MAX_ENTRIES) {
                    return ClientId.of(reporter);
                }
                int comma = lastComma(text, end);
                if (comma < -1) {
                    return ClientId.of(reporter); // an entry too long to be an address
                }
                String entry = text.substring(comma + 1, end).trim();
                end = comma;
                if (entry.isEmpty()) {
                    continue; // "a, , b" or an empty line: nothing claimed
                }
                byte[] hop = IpLiteral.parse(entry);
                if (hop == null) {
                    return ClientId.of(reporter);
                }
                if (!trusted.trusts(hop)) {
                    return ClientId.of(hop);
                }
                reporter = hop;
            }
        }
        return ClientId.of(reporter);
    }

    /**
     * The comma that ends the entry which ends at {@code end}: its index, -1 when the entry starts the line,
     * -2 when the entry is longer than {@link #MAX_ENTRY_CHARS} (the search looks no further back).
     */
    private static int lastComma(String text, int end) {
        int stop = Math.max(0, end - MAX_ENTRY_CHARS - 1);
        for (int i = end - 1; i >= stop; i--) {
            if (text.charAt(i) == ',') {
                return i;
            }
        }
        return stop == 0 ? -1 : -2;
    }
}
