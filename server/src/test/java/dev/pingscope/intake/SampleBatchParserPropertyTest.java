package dev.pingscope.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Whatever a client posts to /api/samples, the parser either accepts a batch or refuses it with a
 * {@link BatchRejected} of a documented 400 reason and a one-line message; it never throws anything else.
 */
class SampleBatchParserPropertyTest {
    private static final int MAX_SAMPLES = 500;
    private final SampleBatchParser parser = new SampleBatchParser(MAX_SAMPLES);

    /** Parses, and fails unless the outcome is an accepted batch or a documented refusal in one line. */
    void acceptedOrRefusedInOneLine(byte[] body) {
        try {
            SampleBatch batch = parser.parse(body);
            assertTrue(batch.size() >= 1 && batch.size() <= MAX_SAMPLES, "an accepted batch holds 1 to max samples");
        } catch (BatchRejected rejected) {
            assertEquals(400, rejected.reason().httpStatus(), "a parse refusal is a 400: " + rejected.reason());
            OneLine.assertOneLine(rejected.getMessage());
        }
    }

    @Test
    void every_generated_valid_batch_is_accepted() {
        Property.of("valid batches are accepted", 1_000, Documents::batch, Shrink::text)
                .check(json -> parser.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void random_bytes_are_accepted_or_refused_with_a_one_line_reason() {
        Property.of("samples: random bytes", 3_000, r -> Inputs.bytes(r, 300), Shrink::bytes)
                .check(this::acceptedOrRefusedInOneLine);
    }

    @Test
    void mutated_batches_are_accepted_or_refused_with_a_one_line_reason() {
        Property.of("samples: mutated batches", 4_000, r -> Inputs.document(r, Documents::batch),
                Shrink::bytes).check(this::acceptedOrRefusedInOneLine);
    }

    @Test
    void a_batch_cut_at_every_offset_is_refused_with_a_one_line_reason() {
        Random r = new Random(Property.seed());
        int cases = 0;
        for (int doc = 0; doc < 20; doc++) {
            byte[] valid = Documents.batch(r).getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut < valid.length; cut++) {
                acceptedOrRefusedInOneLine(java.util.Arrays.copyOf(valid, cut));
                cases++;
            }
        }
        System.out.printf("property 'samples: every prefix of a valid batch': %d cases passed%n", cases);
    }

    /** Inputs these properties once shrunk to, kept as examples: each failed before the parser quoted input safely. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"samples\":{\"\":[]},\"source\":\"\\u2028\"}", // a line separator, echoed raw in the reason
        "\u00DF\u007F\u00F8" // DEL, quoted raw by Jackson's "Unrecognized token"
    })
    void inputs_found_by_the_properties_are_refused_in_one_line(String body) {
        BatchRejected rejected = assertThrows(BatchRejected.class, () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)));
        OneLine.assertOneLine(rejected.getMessage());
    }
}
