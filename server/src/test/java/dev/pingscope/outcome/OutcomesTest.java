package dev.pingscope.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The outcome rules of outcomes.json (docs/outcomes.md), at each threshold's edges and with missing inputs. */
class OutcomesTest {
    static final Outcomes RULES = Outcomes.standard();

    /** Figures under a download load where every check is well within its good limit, but one set by the case. */
    static Figures quiet(String stat, double value) {
        double p50 = stat.equals("p50") ? value : 1;
        double p90 = stat.equals("p90") ? value : 1;
        double p99 = stat.equals("p99") ? value : 1;
        double jitter = stat.equals("jitter") ? value : 0.5;
        return new Figures("download", "ws_echo", 1_000, 0, p50, p90, p99, jitter);
    }

    static Outcome of(String use, List<Figures> figures) {
        return RULES.evaluate(figures).stream().filter(o -> o.use().equals(use)).findFirst().orElse(null);
    }

    /** use, stat, value (ms), rating, and the reason the sentence gives. */
    @ParameterizedTest(name = "{0} {1} = {2} ms: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            video_calls  | p90    | 100     | good | 9 in 10 round trips took at most 100 ms while downloading
            video_calls  | p90    | 100.001 | fair | 1 in 10 round trips took over 100 ms while downloading
            video_calls  | p90    | 300     | fair | 1 in 10 round trips took over 100 ms while downloading
            video_calls  | p90    | 300.001 | poor | 1 in 10 round trips took over 300 ms while downloading
            video_calls  | jitter | 30      | good | round-trip times varied by at most 30 ms from one to the next while downloading
            video_calls  | jitter | 30.001  | fair | round-trip times varied by more than 30 ms from one to the next while downloading
            video_calls  | jitter | 40      | fair | round-trip times varied by more than 30 ms from one to the next while downloading
            video_calls  | jitter | 40.001  | poor | round-trip times varied by more than 40 ms from one to the next while downloading
            online_games | p50    | 30      | good | half of round trips took at most 30 ms while downloading
            online_games | p50    | 30.001  | fair | half of round trips took over 30 ms while downloading
            online_games | p50    | 150     | fair | half of round trips took over 30 ms while downloading
            online_games | p50    | 150.001 | poor | half of round trips took over 150 ms while downloading
            online_games | p99    | 100     | good | 99 % of round trips took at most 100 ms while downloading
            online_games | p99    | 100.001 | fair | 1 % of round trips took over 100 ms while downloading
            online_games | p99    | 250     | fair | 1 % of round trips took over 100 ms while downloading
            online_games | p99    | 250.001 | poor | 1 % of round trips took over 250 ms while downloading
            streaming    | p50    | 1000    | good | half of round trips took at most 1000 ms while downloading
            streaming    | p50    | 1000.001| poor | half of round trips took over 1000 ms while downloading
            browsing     | p50    | 100     | good | half of round trips took at most 100 ms while downloading
            browsing     | p50    | 100.001 | fair | half of round trips took over 100 ms while downloading
            browsing     | p50    | 300     | fair | half of round trips took over 100 ms while downloading
            browsing     | p50    | 300.001 | poor | half of round trips took over 300 ms while downloading
            """)
    void latency_and_jitter_edges(String use, String stat, double value, String rating, String reason) {
        Outcome o = of(use, List.of(quiet(stat, value)));
        assertEquals(rating, o.decided().rating(), o.toString());
        assertEquals(stat, o.decided().stat(), "the deciding figure");
        assertEquals(value, o.decided().value(), 1e-12);
        assertEquals(reason, o.decided().reason());
        assertEquals(rating + " for " + o.name() + ": " + reason, o.sentence());
    }

    /** Loss in % of probes sent: lost / (answered + lost). */
    @ParameterizedTest(name = "{0}: {1} answered, {2} lost: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            video_calls  | 99 | 1 | good | at most 1 % of probes got no answer while downloading
            video_calls  | 98 | 1 | fair | more than 1 % of probes got no answer while downloading
            video_calls  | 98 | 2 | fair | more than 1 % of probes got no answer while downloading
            video_calls  | 97 | 2 | poor | more than 2 % of probes got no answer while downloading
            online_games | 99 | 1 | good | at most 1 % of probes got no answer while downloading
            online_games | 98 | 1 | fair | more than 1 % of probes got no answer while downloading
            online_games | 98 | 2 | fair | more than 1 % of probes got no answer while downloading
            online_games | 97 | 2 | poor | more than 2 % of probes got no answer while downloading
            """)
    void loss_edges(String use, long answered, long lost, String rating, String reason) {
        Figures f = new Figures("download", "ws_echo", answered, lost, 1, 1, 1, 0.5);
        Outcome o = of(use, List.of(f));
        assertEquals(rating, o.decided().rating());
        assertEquals("loss", o.decided().stat());
        assertEquals("percent", o.decided().unit());
        assertEquals(100.0 * lost / (answered + lost), o.decided().value(), 1e-12);
        assertEquals(reason, o.decided().reason());
    }

    static Stream<Arguments> rpm() {
        return Stream.of(Arguments.of(0.0, "poor"), Arguments.of(299.99, "poor"), Arguments.of(300.0, "fair"),
                Arguments.of(999.99, "fair"), Arguments.of(1000.0, "good"), Arguments.of(5999.99, "good"),
                Arguments.of(6000.0, "excellent"), Arguments.of(60000.0, "excellent"), Arguments.of(Double.NaN, null));
    }

    @ParameterizedTest(name = "{0} RPM: {1}")
    @MethodSource("rpm")
    void rpm_bands_of_the_responsiveness_draft(double rpm, String band) {
        assertEquals(band, RULES.rpmBand(rpm));
    }

    @Test
    void between_the_limits_the_score_falls_linearly_as_the_qoo_draft_computes_it() {
        assertEquals(50, of("video_calls", List.of(quiet("p90", 200))).decided().score());
        assertEquals(75, of("online_games", List.of(quiet("p50", 60))).decided().score());
        assertEquals(100, of("browsing", List.of(quiet("p50", 100))).decided().score());
        assertEquals(0, of("browsing", List.of(quiet("p50", 301))).decided().score());
    }

    @Test
    void the_worse_check_decides_and_between_two_fair_ones_the_lower_score() {
        // games: p50 60 ms (fair, score 75) and p99 220 ms (fair, score 20): the p99 decides.
        Figures f = new Figures("upload", "ws_echo", 500, 0, 60, 100, 220, 1);
        Outcome o = of("online_games", List.of(f));
        assertEquals("fair", o.decided().rating());
        assertEquals("p99", o.decided().stat());
        assertEquals("fair for online games: 1 % of round trips took over 100 ms while uploading", o.sentence());
    }

    @Test
    void the_worst_condition_decides_and_between_equal_grades_the_loaded_one() {
        Figures idle = new Figures("idle", "ws_echo", 100, 0, 5, 8, 12, 1);
        Figures deep = new Figures("download", "ws_echo", 100, 0, 350, 370, 390, 4);
        Outcome calls = of("video_calls", List.of(idle, deep));
        assertEquals("poor", calls.decided().rating());
        assertEquals("download", calls.decided().condition());
        assertEquals(List.of("idle", "download"), calls.conditions().stream().map(Judgement::condition).toList());
        assertEquals("good", calls.conditions().get(0).rating());
        assertEquals("poor for video calls: 1 in 10 round trips took over 300 ms while downloading", calls.sentence());

        Figures shallow = new Figures("both", "http_head", 100, 0, 12, 15, 20, 2);
        Outcome browsing = of("browsing", List.of(idle, shallow));
        assertEquals("good", browsing.decided().rating());
        assertEquals("both", browsing.decided().condition(), "both good: the loaded condition is the one named");
        assertEquals("half of round trips took at most 100 ms while downloading and uploading", browsing.decided().reason());

        // The idle line worse than the loaded one (it happens): the idle one decides.
        Figures badIdle = new Figures("idle", "ws_echo", 100, 0, 200, 220, 240, 1);
        assertEquals("idle", of("browsing", List.of(badIdle, shallow)).decided().condition());
        assertTrue(of("browsing", List.of(badIdle, shallow)).decided().reason().endsWith("on the idle line"));
    }

    @Test
    void missing_inputs_are_not_judged_and_never_fail() {
        assertEquals(List.of(), RULES.evaluate(List.of()), "nothing measured");
        Figures few = new Figures("idle", "ws_echo", RULES.minSamples() - 1, 0, 5, 6, 7, 1);
        assertEquals(List.of(), RULES.evaluate(List.of(few)), "too few answers");
        Figures enough = new Figures("idle", "ws_echo", RULES.minSamples(), 0, 5, 6, 7, 1);
        assertEquals(4, RULES.evaluate(List.of(enough)).size(), "every use judged from minSamples answers");
        // No loaded phase: idle only.
        assertTrue(RULES.evaluate(List.of(enough)).stream().allMatch(o -> o.conditions().size() == 1
                && o.decided().condition().equals("idle")));
        // No jitter (a histogram): calls judged on p90 and loss only; a bad jitter elsewhere cannot decide.
        Figures noJitter = new Figures("download", "ws_echo", 100, 0, 5, 6, 7, Double.NaN);
        Outcome calls = of("video_calls", List.of(noJitter));
        assertEquals("good", calls.decided().rating());
        assertEquals("p90", calls.decided().stat());
        // No percentiles at all (every probe lost): only loss is judged, where the use has a loss check.
        Figures allLost = new Figures("download", "ws_echo", 0, 50, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(List.of(), RULES.evaluate(List.of(allLost)), "no answers: below minSamples");
        assertNull(RULES.rpmBand(Double.POSITIVE_INFINITY));
    }

    @Test
    void figures_of_a_histogram_are_its_percentiles_in_ms_and_have_no_jitter() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 1_000L);
        }
        Figures f = Figures.of("idle", "http_head", h, 3);
        assertEquals(100, f.count());
        assertEquals(50.0, f.p50(), 0.1);
        assertEquals(90.0, f.p90(), 0.1);
        assertEquals(99.0, f.p99(), 0.1);
        assertTrue(Double.isNaN(f.jitter()));
        Figures empty = Figures.of("idle", "http_head", new org.HdrHistogram.Histogram(3), 0);
        assertTrue(Double.isNaN(empty.p50()));
    }
}
