package dev.pingscope.servers;

import dev.pingscope.config.InvalidConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Several servers in several regions (docs/deployment.md): this instance's own region, the bounded region
 * label of its metrics, and the servers it lists for clients that pick the nearest one or compare them.
 * A value that cannot work names the file and the entry (counted from 1).
 *
 * @param region      this instance's region (--region): 1 to 32 letters, digits or . _ -
 * @param serversFile the file the list was read from (--servers), named in errors; or null
 * @param servers     the listed servers in file order; each url is stored ending with /
 */
public record RegionSettings(String region, Path serversFile, List<ListedServer> servers) {
    /** Each listed server costs a client a few probes when it picks the nearest one. */
    public static final int MAX_SERVERS = 100;

    public RegionSettings {
        if (region == null || !ListedServer.REGION.matcher(region).matches()) {
            throw new InvalidConfigException("--region", "'" + ServerListFile.printable(String.valueOf(region))
                    + "' must be 1 to 32 letters, digits or . _ -");
        }
        servers = checkedServers(serversFile == null ? "the server list" : serversFile.toString(),
                Objects.requireNonNull(servers, "servers"));
    }

    public static RegionSettings defaults() {
        return new RegionSettings("default", null, List.of());
    }

    /**
     * Reads and checks {@code --servers FILE}.
     *
     * @param serversFile the file, or null for no list
     */
    public static RegionSettings read(String region, Path serversFile) {
        if (serversFile == null) {
            return new RegionSettings(region, null, List.of());
        }
        try {
            return new RegionSettings(region, serversFile, ServerListFile.read(serversFile));
        } catch (InvalidConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--servers", e.getMessage());
        }
    }

    private static List<ListedServer> checkedServers(String file, List<ListedServer> servers) {
        if (servers.size() > MAX_SERVERS) {
            throw new InvalidConfigException("--servers", file + ": entry " + (MAX_SERVERS + 1) + ": more than "
                    + MAX_SERVERS + " servers listed");
        }
        List<ListedServer> checked = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            ListedServer s = servers.get(i);
            String where = file + ": entry " + (i + 1);
            if (!isPrintableName(s.name())) {
                throw new InvalidConfigException("--servers", where + ": name must be 1 to 64 printable characters,"
                        + " not blank, no spaces at either end");
            }
            where += " (" + s.name() + ")";
            if (!names.add(s.name())) {
                throw new InvalidConfigException("--servers", where + ": the name is listed twice");
            }
            if (s.region() == null || !ListedServer.REGION.matcher(s.region()).matches()) {
                throw new InvalidConfigException("--servers", where + ": region '"
                        + ServerListFile.printable(String.valueOf(s.region())) + "' must be 1 to 32 letters, digits or . _ -");
            }
            checked.add(new ListedServer(s.name(), s.region(), baseUrl(where, s.url())));
        }
        return List.copyOf(checked);
    }

    /** 1 to 64 characters, none a control, format, separator or unassigned one; not blank, not padded. */
    private static boolean isPrintableName(String name) {
        if (name == null || name.isBlank() || !name.strip().equals(name)) {
            return false;
        }
        int length = name.codePointCount(0, name.length());
        return length <= 64 && name.codePoints().allMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        });
    }

    /** An absolute http or https URL with a host and no user, query or fragment, made to end with /. */
    private static String baseUrl(String where, String url) {
        String problem = where + ": url '" + ServerListFile.printable(String.valueOf(url)) + "' ";
        URI uri;
        try {
            uri = new URI(url == null ? "" : url);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("--servers", problem + "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null) {
            throw new InvalidConfigException("--servers", problem + "is not an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidConfigException("--servers", problem + "must be a base URL: no user, query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/");
    }
}
