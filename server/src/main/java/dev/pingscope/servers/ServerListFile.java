package dev.pingscope.servers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pingscope.http.ReasonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code --servers} file: a JSON array of {@code {"name", "region", "url"}} objects, nothing else.
 * Only the form is checked here (JSON, an array, objects with exactly those three string fields); what the
 * values may be is checked by {@link RegionSettings}. Every problem is one line naming the file and,
 * where there is one, the entry (counted from 1).
 */
public final class ServerListFile {
    /** Far above 100 entries of the longest names and URLs: a larger file is a mistake, not a list. */
    static final long MAX_BYTES = 1 << 20;
    private static final Set<String> FIELDS = Set.of("name", "region", "url");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ServerListFile() {}

    /**
     * Reads the file's entries.
     *
     * @return the entries in file order, as written (not yet checked)
     * @throws IllegalArgumentException with a one-line reason naming the file
     */
    public static List<ListedServer> read(Path file) {
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": " + (Files.exists(file) ? "is not a file" : "no such file"));
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes");
            }
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IllegalArgumentException(file + ": not valid JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it: " + oneLine(String.valueOf(e.getMessage())));
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException(file + ": is empty; write a JSON array of {\"name\", \"region\", \"url\"} objects");
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + ": not a JSON array of {\"name\", \"region\", \"url\"} objects");
        }
        List<ListedServer> servers = new ArrayList<>();
        int number = 0;
        for (JsonNode entry : root) {
            number++;
            String where = file + ": entry " + number;
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + ": not an object with name, region and url");
            }
            for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException(where + ": unknown field '" + printable(field)
                            + "' (the fields are name, region and url)");
                }
            }
            servers.add(new ListedServer(text(entry, "name", where), text(entry, "region", where), text(entry, "url", where)));
        }
        return List.copyOf(servers);
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null) {
            throw new IllegalArgumentException(where + ": missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' is not a string");
        }
        return value.asText();
    }

    /** A value as it may appear in a one-line error: control characters and lone surrogates shown as ?, cut at 80 characters. */
    public static String printable(String value) {
        return ReasonText.of(value, 80);
    }

    /** A message that may quote the file (Jackson's) as one line: shown and cut as a reason quotes client input. */
    private static String oneLine(String message) {
        return message == null ? "" : ReasonText.message(message.replaceAll("\\s*\\R\\s*", " ").trim());
    }
}
