package dev.pingscope.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome rules (docs/outcomes.md): per use, QoO-style checks with a good and a poor limit, evaluated on a
 * run's figures per condition, and the responsiveness draft's RPM bands. The rules are the web module's
 * /public/outcomes.json, the same table pingscope-outcomes.js evaluates in the browser, and this class
 * evaluates it the same way: same ratings, reasons and deciding figures for the same figures.
 */
public final class Outcomes {
    private static final String RESOURCE = "/public/outcomes.json";
    private static final List<String> RATINGS = List.of("good", "fair", "poor");
    private static final Map<String, String> WHEN = Map.of("idle", "on the idle line", "download", "while downloading",
            "upload", "while uploading", "both", "while downloading and uploading");
    private static final Map<String, String> KEPT = Map.of("p50", "half of round trips", "p90", "9 in 10 round trips",
            "p99", "99 % of round trips");
    private static final Map<String, String> OVER = Map.of("p50", "half of round trips", "p90", "1 in 10 round trips",
            "p99", "1 % of round trips");
    private static volatile Outcomes standard;

    private final long minSamples;
    private final List<String> kinds;
    private final List<Use> uses;
    private final List<Band> bands;

    private record Check(String stat, double good, double poor) {}

    private record Use(String use, String name, List<Check> checks) {}

    private record Band(String band, double from) {}

    /** One check's result on one condition, ordered worse first within a condition. */
    private record Graded(Check check, double value, int grade, double score, double near) {}

    private Outcomes(JsonNode t) {
        minSamples = t.get("minSamples").asLong();
        List<String> k = new ArrayList<>();
        t.get("kinds").forEach(n -> k.add(n.asText()));
        kinds = List.copyOf(k);
        List<Use> u = new ArrayList<>();
        for (JsonNode use : t.get("uses")) {
            List<Check> checks = new ArrayList<>();
            for (JsonNode c : use.get("checks")) {
                checks.add(new Check(c.get("stat").asText(), c.get("good").asDouble(), c.get("poor").asDouble()));
            }
            u.add(new Use(use.get("use").asText(), use.get("name").asText(), List.copyOf(checks)));
        }
        uses = List.copyOf(u);
        List<Band> b = new ArrayList<>();
        t.get("rpmBands").forEach(n -> b.add(new Band(n.get("band").asText(), n.get("from").asDouble())));
        bands = List.copyOf(b);
    }

    /** The rules on the classpath, read once. */
    public static Outcomes standard() {
        Outcomes o = standard;
        if (o == null) {
            try (InputStream in = Outcomes.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the classpath (the web module)");
                }
                o = new Outcomes(new ObjectMapper().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            standard = o;
        }
        return o;
    }

    /** Answered probes a condition needs to be judged. */
    public long minSamples() {
        return minSamples;
    }

    /** The probe kinds whose figures feed the verdicts, the preferred first. */
    public List<String> kinds() {
        return kinds;
    }

    /**
     * The verdicts for figures per condition, idle first: a condition with fewer than {@link #minSamples()}
     * answers is not judged, nor a check whose figure is NaN; a use with nothing judged is left out.
     */
    public List<Outcome> evaluate(List<Figures> figures) {
        List<Outcome> out = new ArrayList<>();
        for (Use u : uses) {
            List<Judgement> judged = new ArrayList<>();
            Judgement decided = null;
            Graded decidedBy = null;
            for (Figures f : figures) {
                if (f == null || f.count() < minSamples) {
                    continue;
                }
                Graded worst = null;
                for (Check c : u.checks()) {
                    double v = f.value(c.stat());
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    Graded g = grade(c, v);
                    if (worst == null || WORSE.compare(g, worst) < 0) {
                        worst = g;
                    }
                }
                if (worst == null) {
                    continue;
                }
                String rating = RATINGS.get(worst.grade());
                double limit = worst.grade() == 2 ? worst.check().poor() : worst.check().good();
                Judgement j = new Judgement(f.condition(), f.kind(), rating, worst.check().stat(), worst.value(),
                        Math.round(worst.score()), reason(worst.check().stat(), rating, limit,
                                WHEN.getOrDefault(f.condition(), "under load")));
                judged.add(j);
                if (decided == null || before(worst, !f.condition().equals("idle"), decidedBy, !decided.condition().equals("idle")) < 0) {
                    decided = j;
                    decidedBy = worst;
                }
            }
            if (decided != null) {
                out.add(new Outcome(u.use(), u.name(), decided, judged));
            }
        }
        return out;
    }

    /** The responsiveness draft's band (section 1.2) of an RPM: poor, fair, good or excellent; null for NaN. */
    public String rpmBand(double rpm) {
        if (Double.isNaN(rpm) || Double.isInfinite(rpm)) {
            return null;
        }
        return bands.stream().filter(b -> rpm >= b.from()).map(Band::band).findFirst().orElse(null);
    }

    private static Graded grade(Check c, double v) {
        int grade = v <= c.good() ? 0 : v > c.poor() ? 2 : 1;
        double score = grade == 0 ? 100 : grade == 2 ? 0 : 100 * (1 - (v - c.good()) / (c.poor() - c.good()));
        return new Graded(c, v, grade, score, v / c.good());
    }

    /** The worse first: higher grade, then lower score, then nearer its limit; equal ones keep their order. */
    private static final Comparator<Graded> WORSE = Comparator.comparingInt(Graded::grade).reversed()
            .thenComparingDouble(Graded::score)
            .thenComparing(Comparator.comparingDouble(Graded::near).reversed());

    /** A use's verdict is its worst condition; between equal grades the loaded one (QoO judges under load), then the worse. */
    private static int before(Graded a, boolean aLoaded, Graded b, boolean bLoaded) {
        if (a.grade() != b.grade()) {
            return Integer.compare(b.grade(), a.grade());
        }
        if (aLoaded != bLoaded) {
            return aLoaded ? -1 : 1;
        }
        return WORSE.compare(a, b);
    }

    private static String reason(String stat, String rating, double limit, String when) {
        boolean ok = rating.equals("good");
        String l = limit == Math.rint(limit) ? Long.toString((long) limit) : Double.toString(limit);
        return switch (stat) {
            case "loss" -> (ok ? "at most " : "more than ") + l + " % of probes got no answer " + when;
            case "jitter" -> "round-trip times varied by " + (ok ? "at most " : "more than ") + l + " ms from one to the next " + when;
            default -> ok ? KEPT.get(stat) + " took at most " + l + " ms " + when : OVER.get(stat) + " took over " + l + " ms " + when;
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Outcomes(%d uses, min %d samples)", uses.size(), minSamples);
    }
}
