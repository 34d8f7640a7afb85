package dev.pingscope.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One intake batch: valid as a whole, in microseconds, or refused for its first problem. */
class SampleBatchParserTest {
    private final SampleBatchParser parser = new SampleBatchParser(5);

    private SampleBatch parse(String json) throws BatchRejected {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private BatchRejected rejected(String json) {
        return assertThrows(BatchRejected.class, () -> parse(json), json);
    }

    // --- valid batches ------------------------------------------------------------------------------

    @Test
    void a_batch_of_both_client_kinds_becomes_microseconds_by_kind() throws Exception {
        SampleBatch batch = parse("{\"samples\": {\"http_head\": [12.5, 11.9], \"ws_echo\": [1.2]}}");
        assertEquals(Source.BROWSER, batch.source(), "browser when no source is given");
        assertEquals(Map.of(ProbeKind.HTTP_HEAD, List.of(12_500L, 11_900L), ProbeKind.WS_ECHO, List.of(1_200L)),
                batch.micros());
        assertEquals(3, batch.size());
    }

    @Test
    void values_are_rounded_to_the_nearest_microsecond_and_never_below_one() throws Exception {
        SampleBatch batch = parse("{\"samples\": {\"http_head\": [0.0004, 0.0016, 2.0004, 2.0006, 60000]}}");
        assertEquals(List.of(1L, 2L, 2_000L, 2_001L, 60_000_000L), batch.micros().get(ProbeKind.HTTP_HEAD));
    }

    @Test
    void integers_and_exponents_are_numbers_too() throws Exception {
        assertEquals(List.of(7_000L, 1_500L), parse("{\"samples\": {\"ws_echo\": [7, 1.5e0]}}").micros().get(ProbeKind.WS_ECHO));
    }

    @Test
    void a_kind_with_an_empty_array_is_allowed_beside_a_kind_with_samples() throws Exception {
        SampleBatch batch = parse("{\"samples\": {\"http_head\": [], \"ws_echo\": [3]}}");
        assertEquals(1, batch.size());
        assertEquals(List.of(), batch.micros().get(ProbeKind.HTTP_HEAD));
    }

    @ParameterizedTest
    @CsvSource({"browser, BROWSER", "synthetic, SYNTHETIC"})
    void a_client_may_name_its_source(String wire, Source source) throws Exception {
        assertEquals(source, parse("{\"source\": \"" + wire + "\", \"samples\": {\"http_head\": [1]}}").source());
    }

    @Test
    void unknown_top_level_fields_are_ignored() throws Exception {
        assertEquals(1, parse("{\"page\": \"x\", \"samples\": {\"http_head\": [1]}, \"v\": 2}").size());
    }

    @Test
    void the_sample_limit_counts_every_kind_and_is_inclusive() throws Exception {
        assertEquals(5, parse("{\"samples\": {\"http_head\": [1, 2, 3], \"ws_echo\": [4, 5]}}").size());
        BatchRejected e = rejected("{\"samples\": {\"http_head\": [1, 2, 3], \"ws_echo\": [4, 5, 6]}}");
        assertEquals(RejectReason.TOO_MANY_SAMPLES, e.reason());
        assertTrue(e.getMessage().contains("at most 5"), e.getMessage());
    }

    // --- rejections ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                      // no body at all
        "{\"samples\": {\"http_head\": [1]}",    // cut short
        "not json",
        "[]",
        "\"samples\"",
        "42",
        "null",
        "{}",
        "{\"samples\": null}",
        "{\"samples\": [1, 2]}",
        "{\"samples\": \"http_head\"}",
        "{\"samples\": {\"http_head\": 12.5}}",
        "{\"samples\": {\"http_head\": {\"0\": 12.5}}}",
        "{\"samples\": {\"http_head\": [\"12.5\"]}}",
        "{\"samples\": {\"http_head\": [true]}}",
        "{\"samples\": {\"http_head\": [null]}}",
        "{\"samples\": {\"http_head\": [[12.5]]}}",
        "{\"samples\": {\"http_head\": [NaN]}}",
    })
    void a_body_that_is_not_a_batch_of_numbers_is_malformed(String json) {
        assertEquals(RejectReason.MALFORMED, rejected(json).reason());
    }

    @Test
    void the_message_names_the_sample_that_is_not_a_number() {
        BatchRejected e = rejected("{\"samples\": {\"ws_echo\": [1, 2, \"3\"]}}");
        assertTrue(e.getMessage().contains("ws_echo[2]"), e.getMessage());
    }

    @Test
    void deep_nesting_is_refused_before_it_costs_anything() {
        String deep = "{\"samples\": {\"http_head\": " + "[".repeat(20) + "1" + "]".repeat(20) + "}}";
        BatchRejected e = rejected(deep);
        assertEquals(RejectReason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"samples\": {}}", "{\"samples\": {\"http_head\": []}}",
        "{\"samples\": {\"http_head\": [], \"ws_echo\": []}}"})
    void a_batch_without_samples_is_empty(String json) {
        assertEquals(RejectReason.EMPTY, rejected(json).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws_ping", "HTTP_HEAD", "http-head", "icmp", ""})
    void only_the_kinds_a_client_measures_are_accepted(String kind) {
        BatchRejected e = rejected("{\"samples\": {\"" + kind + "\": [1]}}");
        assertEquals(RejectReason.UNKNOWN_KIND, e.reason());
        assertTrue(e.getMessage().contains("\"" + kind + "\""), e.getMessage());
    }

    @Test
    void an_unknown_kind_refuses_the_whole_batch_even_after_a_valid_kind() {
        assertEquals(RejectReason.UNKNOWN_KIND, rejected("{\"samples\": {\"http_head\": [1], \"ws_ping\": [1]}}").reason());
    }

    @Test
    void a_long_unknown_kind_is_cut_short_in_the_message() {
        String kind = "k".repeat(500);
        BatchRejected e = rejected("{\"samples\": {\"" + kind + "\": [1]}}");
        assertEquals(RejectReason.UNKNOWN_KIND, e.reason());
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"server\"", "\"Browser\"", "\"\"", "1", "null", "[\"browser\"]", "{\"name\": \"browser\"}"})
    void a_client_cannot_claim_any_other_source(String source) {
        BatchRejected e = rejected("{\"source\": " + source + ", \"samples\": {\"http_head\": [1]}}");
        assertEquals(RejectReason.UNKNOWN_SOURCE, e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.0", "-1", "60000.001", "1e6", "1e400", "-1e400"})
    void a_round_trip_time_outside_0_to_60_s_is_out_of_range(String value) {
        BatchRejected e = rejected("{\"samples\": {\"http_head\": [5, " + value + "]}}");
        assertEquals(RejectReason.OUT_OF_RANGE, e.reason());
        assertTrue(e.getMessage().contains("http_head[1]"), e.getMessage());
    }

    @Test
    void every_rejection_reason_of_a_body_answers_400() {
        for (RejectReason reason : List.of(RejectReason.MALFORMED, RejectReason.EMPTY, RejectReason.UNKNOWN_KIND,
                RejectReason.UNKNOWN_SOURCE, RejectReason.OUT_OF_RANGE, RejectReason.TOO_MANY_SAMPLES)) {
            assertEquals(400, reason.httpStatus(), reason.name());
        }
    }
}
