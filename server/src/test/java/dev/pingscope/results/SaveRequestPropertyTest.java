package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.properties.Documents;
import dev.pingscope.properties.Inputs;
import dev.pingscope.properties.OneLine;
import dev.pingscope.properties.Property;
import dev.pingscope.properties.Shrink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a client posts to /api/results, {@link SaveRequest#parse} either reads a result or refuses it
 * with a 400 {@link InvalidSave} ({@code malformed} or {@code invalid}) and a one-line reason; and whatever
 * the operators' query says, {@link AdminQuery#of} reads it or names the bad parameter in one line.
 */
class SaveRequestPropertyTest {
    static void readOrRefusedInOneLine(byte[] body) {
        try {
            SaveRequest save = SaveRequest.parse(body);
            assertFalse(save.probes().isEmpty(), "a read save has a probe kind");
        } catch (InvalidSave refused) {
            assertEquals(400, refused.status(), "a parse refusal is a 400");
            assertTrue(refused.error().equals("malformed") || refused.error().equals("invalid"), refused.error());
            OneLine.assertOneLine(refused.getMessage());
        }
    }

    @Test
    void every_generated_valid_save_is_read() {
        Property.of("valid saves are read", 1_000, Documents::save, Shrink::text)
                .check(json -> SaveRequest.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void random_bytes_are_read_or_refused_with_a_one_line_reason() {
        Property.of("save: random bytes", 3_000, r -> Inputs.bytes(r, 300), Shrink::bytes)
                .check(SaveRequestPropertyTest::readOrRefusedInOneLine);
    }

    @Test
    void mutated_saves_are_read_or_refused_with_a_one_line_reason() {
        Property.of("save: mutated saves", 4_000, r -> Inputs.document(r, Documents::save), Shrink::bytes)
                .check(SaveRequestPropertyTest::readOrRefusedInOneLine);
    }

    @Test
    void a_save_cut_at_every_offset_is_refused_with_a_one_line_reason() {
        Random r = new Random(Property.seed());
        int cases = 0;
        for (int doc = 0; doc < 10; doc++) {
            byte[] valid = Documents.save(r).getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut < valid.length; cut++) {
                readOrRefusedInOneLine(java.util.Arrays.copyOf(valid, cut));
                cases++;
            }
        }
        System.out.printf("property 'save: every prefix of a valid save': %d cases passed%n", cases);
    }

    /** One admin query parameter: absent, empty, a good value, a near miss, or noise. */
    static String parameter(Random r, List<String> good) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> Inputs.pick(r, List.of("", " ", "\t"));
            case 2 -> Inputs.pick(r, good);
            case 3 -> {
                String g = Inputs.pick(r, good);
                yield new String(Inputs.mutateBytes(r, g.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            }
            default -> Inputs.text(r, 40);
        };
    }

    @Test
    void any_admin_query_is_read_or_refused_with_a_one_line_reason_naming_the_parameter() {
        List<String> instants = List.of("2026-11-29", "2026-11-29T12:00:00Z", "2026-02-29", "0000-01-01", "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "2026-11-29T12:00:00.123456789Z", "1970-01-01T00:00:00Z");
        List<String> limits = List.of("1", "100", "1000", "0", "1001", "-1", " 5 ", "+5", "05", "2147483648", "1e3", "1.0");
        List<String> cursors = List.of(AdminQuery.encodeCursor(new ResultStore.Cursor(1_764_000_000_000L, ResultId.generate())),
                AdminQuery.encodeCursor(new ResultStore.Cursor(-1, ResultId.generate())), "AAAA", "====", "Og", "MTp4");
        List<String> sites = List.of("direct", "other", "example.com", "none");
        Property.of("admin query parameters", 5_000, r -> List.of(
                        String.valueOf(parameter(r, sites)), String.valueOf(parameter(r, instants)), String.valueOf(parameter(r, instants)),
                        String.valueOf(parameter(r, limits)), String.valueOf(parameter(r, cursors))),
                Shrink::elements).check(p -> {
                    try {
                        AdminQuery q = AdminQuery.of(nullable(p.get(0)), nullable(p.get(1)), nullable(p.get(2)), nullable(p.get(3)),
                                nullable(p.get(4)));
                        assertTrue(q.limit() >= 1 && q.limit() <= AdminQuery.MAX_LIMIT, "limit in range");
                        // The store compares epoch milliseconds: an accepted time must have one.
                        for (java.time.Instant t : java.util.Arrays.asList(q.filter().from(), q.filter().to())) {
                            if (t != null) {
                                assertDoesNotThrow(t::toEpochMilli, "an accepted time has epoch milliseconds: " + t);
                            }
                        }
                    } catch (IllegalArgumentException refused) {
                        OneLine.assertOneLine(refused.getMessage());
                        assertTrue(refused.getMessage().matches("^(limit|from|to|cursor) .*"), "names the parameter: " + refused.getMessage());
                    }
                });
    }

    private static String nullable(String s) {
        return "null".equals(s) ? null : s;
    }

    /** Inputs these properties once shrunk to, kept as examples: each failed before the parser quoted input safely. */
    @ParameterizedTest
    @ValueSource(strings = {
        // a paragraph separator inside a sample, echoed raw in the reason
        "{\"source\":\"browser\",\"settings\":{\"load\":\"none\",\"interval\":1,\"probes\":[\"http_head\",\"ws_ping\"],"
                + "\"timeout\":2,\"warmup\":1,\"rounds\":1},\"probes\":{\"http_head\":{\"protocol\":\"1\",\"idle\":{\"samples\":[],"
                + "\"lost\":3},\"loaded\":{\"samples\":[\"\\u2029\\f\",5],\"lost\":67}}}}",
        "k\u007F" // DEL, quoted raw by Jackson's "Unrecognized token"
    })
    void inputs_found_by_the_properties_are_refused_in_one_line(String body) {
        InvalidSave refused = assertThrows(InvalidSave.class, () -> SaveRequest.parse(body.getBytes(StandardCharsets.UTF_8)));
        OneLine.assertOneLine(refused.getMessage());
    }

    @Test
    void a_time_beyond_epoch_milliseconds_is_a_bad_parameter_not_a_storage_failure() {
        // Found by the admin query property: accepted, it overflowed in the store (503 storage_unavailable, a stack trace logged).
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AdminQuery.of("", "9999-01-01", "+999999999-12-31T23:59:59Z", "", null));
        assertTrue(refused.getMessage().startsWith("to must be an ISO 8601 time"), refused.getMessage());
    }
}
