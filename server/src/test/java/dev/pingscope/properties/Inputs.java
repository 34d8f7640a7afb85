package dev.pingscope.properties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators of hostile client input: random bytes and text, JSON token soup, and mutations of a valid
 * document (fields dropped, duplicated, renamed, swapped; values of the wrong type, huge, NaN, negative,
 * deeply nested, long; invalid UTF-8, byte order marks, control characters; truncation).
 */
public final class Inputs {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for a raw value or key in a serialized tree, replaced after serializing (Jackson would escape it). */
    private static final String MARK = "@@mark@@";

    /** Sequences no UTF-8 decoder may accept: stray, overlong, surrogate, above U+10FFFF, cut short. */
    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF},
        {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},
        {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xC2}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
    };
    private static final byte[][] BYTE_ORDER_MARKS = {
        {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xFF, (byte) 0xFE},
        {0, 0, (byte) 0xFE, (byte) 0xFF}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
    };
    /** JSON values of every type and edge: the kind of value a field was not written for. */
    private static final List<String> ODD_VALUES = List.of(
            "NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "4.9e-324", "1.7976931348623157e308",
            "-0", "0", "-0.0", "-1", "0.5", "1.5", "2147483648", "-2147483649", "9223372036854775808",
            "18446744073709551616", "9".repeat(1200), "0." + "0".repeat(500) + "1", "00", "01", "0x10", "1.", ".5",
            "+1", "1e", "--1", "\"\"", "\" \"", "\"5\"", "\"12.5\"", "\"browser\"", "\"http_head\"", "\"\\u0000\"",
            "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"a\\u2028b\"", "\"a\\nb\\r\\nc\"", "\"\\u001b[31mred\"",
            "null", "true", "false", "[]", "{}", "[null]", "[1,2,3]", "[\"a\"]", "{\"a\":1}", "{\"\":null}",
            "\"" + "x".repeat(5_000) + "\"", "\"" + "\\u2028".repeat(50) + "\"",
            "[".repeat(40) + "]".repeat(40), "[".repeat(1_100) + "]".repeat(1_100),
            "{\"a\":".repeat(30) + "1" + "}".repeat(30));
    private static final List<String> NAMES = List.of(
            "samples", "source", "load", "settings", "probes", "http_head", "ws_echo", "ws_ping", "idle", "loaded",
            "lost", "protocol", "rounds", "interval", "timeout", "warmup", "name", "region", "url", "", " ",
            "Samples", "SOURCE", "__proto__", "constructor", "samples ", "sample\u0000s", "\u2028", "é", "\uD83D\uDE00");

    private Inputs() {}

    /** One of the sequences no UTF-8 decoder may accept (a copy). */
    public static byte[] invalidUtf8(Random r) {
        return INVALID_UTF8[r.nextInt(INVALID_UTF8.length)].clone();
    }

    public static int between(Random r, int min, int max) {
        return min + r.nextInt(max - min + 1);
    }

    public static <T> T pick(Random r, List<T> items) {
        return items.get(r.nextInt(items.size()));
    }

    /** Any bytes at all: uniformly random, printable, or a soup of JSON tokens. */
    public static byte[] bytes(Random r, int maxLength) {
        return switch (r.nextInt(3)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(maxLength + 1)];
                r.nextBytes(b);
                yield b;
            }
            case 1 -> text(r, maxLength).getBytes(StandardCharsets.UTF_8);
            default -> tokenSoup(r, maxLength);
        };
    }

    /** Text from every corner: letters, digits, punctuation, controls, line separators, astral and lone surrogates. */
    public static String text(Random r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder(n);
        while (out.length() < n) {
            out.append(character(r));
        }
        return out.toString();
    }

    public static String character(Random r) {
        return switch (r.nextInt(10)) {
            case 0, 1, 2 -> String.valueOf((char) between(r, 'a', 'z'));
            case 3 -> String.valueOf((char) between(r, '0', '9'));
            case 4 -> String.valueOf("{}[]\":,.-+eE\\/ %&=?#;'<>".charAt(r.nextInt(24)));
            case 5 -> String.valueOf((char) (r.nextBoolean() ? r.nextInt(0x20) : 0x7F));
            case 6 -> pick(r, List.of("\u2028", "\u2029", "\u0085", "\u000B", "\u000C", "\r\n", "\uFEFF", "\u200B", "\u202E"));
            case 7 -> pick(r, List.of("é", "ß", "中", "日本", "\uD83D\uDE00", "\uD800", "\uDC00", "\uFFFD", "\uFFFF"));
            case 8 -> String.valueOf((char) r.nextInt(0x10000));
            default -> new String(Character.toChars(between(r, 0x10000, 0x10FFFF)));
        };
    }

    /** JSON-looking nonsense: brackets, names of real fields, odd values and separators in random order. */
    public static byte[] tokenSoup(Random r, int maxLength) {
        StringBuilder out = new StringBuilder();
        int target = r.nextInt(maxLength + 1);
        while (out.length() < target) {
            switch (r.nextInt(6)) {
                case 0 -> out.append(pick(r, List.of("{", "}", "[", "]", ":", ",", " ", "\n")));
                case 1 -> out.append('"').append(pick(r, NAMES)).append('"');
                case 2 -> {
                    String odd = pick(r, ODD_VALUES);
                    out.append(odd, 0, Math.min(60, odd.length()));
                }
                case 3 -> out.append(between(r, -5, 70_000)).append(r.nextBoolean() ? "." + r.nextInt(1000) : "");
                case 4 -> out.append("\"").append(pick(r, NAMES)).append("\":");
                default -> out.append(character(r));
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A document built from a valid one: most often mutated in its structure, its bytes, or both; sometimes
     * valid as it is; sometimes replaced by noise.
     */
    public static byte[] document(Random r, Function<Random, String> valid) {
        String doc = valid.apply(r);
        int roll = r.nextInt(100);
        if (roll < 10) {
            return doc.getBytes(StandardCharsets.UTF_8);
        } else if (roll < 55) {
            return mutateJson(r, doc);
        } else if (roll < 80) {
            return mutateBytes(r, doc.getBytes(StandardCharsets.UTF_8));
        } else if (roll < 92) {
            return mutateBytes(r, mutateJson(r, doc));
        } else {
            return bytes(r, 400);
        }
    }

    /** One to three changes to the document's tree, serialized again (with raw values Jackson would never write). */
    public static byte[] mutateJson(Random r, String validJson) {
        JsonNode root;
        try {
            root = JSON.readTree(validJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid document to mutate: " + validJson, e);
        }
        List<String> raw = new ArrayList<>();
        int ops = between(r, 1, 3);
        for (int i = 0; i < ops; i++) {
            List<Slot> slots = new ArrayList<>();
            slots(root, slots);
            if (slots.isEmpty()) {
                break;
            }
            Slot slot = pick(r, slots);
            switch (r.nextInt(9)) {
                case 0 -> slot.remove();
                case 1, 2 -> slot.set(mark(raw, pick(r, ODD_VALUES)));
                case 3 -> slot.set(mark(raw, new String(text(r, 12).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                        .chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("\"", String::concat) + "\""));
                case 4 -> slot.rename(r.nextBoolean() ? pick(r, NAMES) : text(r, 10));
                case 5 -> slot.duplicate(raw, pick(r, ODD_VALUES));
                case 6 -> slot.set(wrap(r, slot.get()));
                case 7 -> {
                    Slot other = pick(r, slots);
                    JsonNode a = slot.get();
                    slot.set(other.get());
                    other.set(a);
                }
                default -> slot.repeat(pick(r, List.of(2, 100, 20_001)));
            }
        }
        String out = root.toString();
        for (int i = 0; i < raw.size(); i++) {
            out = out.replace("\"" + MARK + i + "\"", raw.get(i));
        }
        return out.getBytes(StandardCharsets.UTF_8);
    }

    /** One to three changes to the bytes: cut, removed, doubled, inserted, flipped; invalid UTF-8, BOMs, controls. */
    public static byte[] mutateBytes(Random r, byte[] doc) {
        byte[] out = doc;
        int ops = between(r, 1, 3);
        for (int i = 0; i < ops; i++) {
            int at = out.length == 0 ? 0 : r.nextInt(out.length + 1);
            int len = out.length - at == 0 ? 0 : between(r, 1, Math.min(40, out.length - at));
            out = switch (r.nextInt(9)) {
                case 0 -> java.util.Arrays.copyOf(out, at);
                case 1 -> Shrink.concat(slice(out, 0, at), slice(out, at + len, out.length));
                case 2 -> Shrink.concat(slice(out, 0, at + len), slice(out, at, out.length));
                case 3 -> Shrink.concat(slice(out, 0, at), INVALID_UTF8[r.nextInt(INVALID_UTF8.length)], slice(out, at, out.length));
                case 4 -> Shrink.concat(BYTE_ORDER_MARKS[r.nextInt(BYTE_ORDER_MARKS.length)], out);
                case 5 -> Shrink.concat(slice(out, 0, at), new byte[] {(byte) (r.nextBoolean() ? r.nextInt(0x20) : 0x7F)},
                        slice(out, at, out.length));
                case 6 -> {
                    byte[] flipped = out.clone();
                    if (flipped.length > 0) {
                        flipped[Math.min(at, flipped.length - 1)] ^= (byte) (1 << r.nextInt(8));
                    }
                    yield flipped;
                }
                case 7 -> Shrink.concat(slice(out, 0, at), bytes(r, 12), slice(out, at, out.length));
                default -> Shrink.concat(out, pick(r, List.of("x", "}", "]", " {}", "\u0000", "\n\n", ",")).getBytes(StandardCharsets.UTF_8));
            };
        }
        return out;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, Math.min(from, b.length), Math.min(to, b.length));
    }

    private static JsonNode mark(List<String> raw, String rawJson) {
        raw.add(rawJson);
        return TextNode.valueOf(MARK + (raw.size() - 1));
    }

    private static JsonNode wrap(Random r, JsonNode value) {
        if (r.nextBoolean()) {
            return JSON.createArrayNode().add(value);
        }
        ObjectNode o = JSON.createObjectNode();
        o.set(pick(r, NAMES), value);
        return o;
    }

    private static void slots(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                out.add(new Slot(o, name, -1));
                slots(o.get(name), out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                slots(a.get(i), out);
            }
        }
    }

    /** A place in a tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String name, int index) {
        JsonNode get() {
            JsonNode v = name != null ? parent.get(name) : parent.get(index);
            return v == null ? JSON.nullNode() : v.deepCopy();
        }

        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set(name, value);
            } else if (index < parent.size()) {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(name);
            } else if (index < parent.size()) {
                ((ArrayNode) parent).remove(index);
            }
        }

        void rename(String newName) {
            if (parent instanceof ObjectNode o && o.has(name)) {
                o.set(newName, o.remove(name));
            }
        }

        /** The same key once more, with another value: duplicate keys, which a tree cannot hold, made in the text. */
        void duplicate(List<String> raw, String rawValue) {
            if (parent instanceof ObjectNode o && name != null) {
                raw.add("\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
                o.set(MARK + (raw.size() - 1), mark(raw, rawValue));
            }
        }

        void repeat(int times) {
            if (parent instanceof ArrayNode a && index < a.size()) {
                JsonNode v = a.get(index);
                for (int i = 1; i < times; i++) {
                    a.add(v.deepCopy());
                }
            } else if (parent instanceof ObjectNode o && o.get(name) instanceof ArrayNode a && !a.isEmpty()) {
                JsonNode v = a.get(0);
                for (int i = 1; i < times; i++) {
                    a.add(v.deepCopy());
                }
            }
        }
    }
}
