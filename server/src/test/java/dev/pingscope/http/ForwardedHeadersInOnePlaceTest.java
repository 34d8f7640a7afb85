package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a client may write in the forwarding headers is read in one class each, so that no second reading
 * (the first line only, a proxy believed from anyone, a DNS lookup of client text) can come back unseen.
 */
class ForwardedHeadersInOnePlaceTest {
    /** Each pattern, and the one main source file allowed to contain it (null: none). */
    private static final Map<Pattern, String> ONLY_IN = Map.of(
            Pattern.compile("\"x-forwarded-for\"", Pattern.CASE_INSENSITIVE), "http/ClientAddress.java",
            Pattern.compile("\"x-forwarded-(proto|host)\"", Pattern.CASE_INSENSITIVE), "http/RequestOrigin.java",
            Pattern.compile("X_FORWARDED_|ForwardedRequestCustomizer|\"forwarded\"", Pattern.CASE_INSENSITIVE), "",
            Pattern.compile("getByName\\(|getAllByName\\("), "");
    /**
     * RFC 9204's static table, which lists header names as data: the QPACK decoder may name a field
     * {@code x-forwarded-for}, and nothing reads it (a WebTransport CONNECT takes only its own six fields,
     * datagram/ConnectRequest.java).
     */
    private static final Set<String> HEADER_NAME_TABLES = Set.of("datagram/QpackStaticTable.java");

    @Test
    void forwarding_headers_and_address_parsing_each_live_in_one_class_and_nothing_asks_dns() throws IOException {
        Path main = Repository.root().resolve("server/src/main/java/dev/pingscope");
        List<String> strays = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = main.relativize(file).toString().replace('\\', '/');
                String text = Files.readString(file);
                ONLY_IN.forEach((pattern, allowed) -> {
                    boolean table = HEADER_NAME_TABLES.contains(name) && !pattern.pattern().startsWith("getByName");
                    if (!name.equals(allowed) && !table && pattern.matcher(text).find()) {
                        strays.add(name + " matches " + pattern.pattern());
                    }
                });
            }
        }
        assertEquals(List.of(), strays);
    }
}
