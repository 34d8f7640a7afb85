package dev.pingscope.servers;

import java.util.regex.Pattern;

/**
 * One pingscope server in the list that {@code --servers} names and {@code GET /api/servers} publishes, for
 * clients that pick the nearest server or compare regions. Checked by {@link RegionSettings}.
 *
 * @param name   shown to people: 1 to 64 printable characters, unique in the list
 * @param region a region name such as eu or us-east (the same form as --region)
 * @param url    the base URL of that server, absolute http or https, ending with /
 */
public record ListedServer(String name, String region, String url) {
    /** A region: this instance's (--region) and each listed server's. It becomes a metric label value. */
    public static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,32}");
}
