package dev.pingscope.prober;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pingscope.outcome.Figures;
import dev.pingscope.outcome.OutcomeJson;
import dev.pingscope.outcome.Outcome;
import dev.pingscope.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome verdicts of a probe run (docs/outcomes.md), for its text summary and --json: from the raw idle
 * and loaded figures of the first of the rules' kinds answered often enough in each condition. A histogram
 * keeps no order, so the probe has no jitter: that check is not judged here.
 */
final class ProbeOutcomes {
    private ProbeOutcomes() {}

    static List<Outcome> of(ProbeReport report) {
        Outcomes rules = Outcomes.standard();
        List<Figures> figures = new ArrayList<>();
        KindReport idle = pick(rules, report.kinds());
        if (idle != null) {
            figures.add(Figures.of("idle", idle.kind().wireName(), idle.raw(), idle.lost()));
        }
        LoadReport l = report.load();
        KindReport loaded = l == null ? null : pick(rules, l.loadedKinds());
        if (loaded != null) {
            figures.add(Figures.of(l.direction().wireName(), loaded.kind().wireName(), loaded.raw(), loaded.lost()));
        }
        return rules.evaluate(figures);
    }

    private static KindReport pick(Outcomes rules, List<KindReport> kinds) {
        for (String name : rules.kinds()) {
            for (KindReport k : kinds) {
                if (k.kind().wireName().equals(name) && k.answered() >= rules.minSamples()) {
                    return k;
                }
            }
        }
        return null;
    }

    /** The draft's band of the loaded RPM, or null. */
    static String rpmBand(LoadReport l) {
        return Outcomes.standard().rpmBand(l.loadedRpm());
    }

    /** The summary's lines: one per use, and the RPM band after a load. */
    static void appendText(StringBuilder s, ProbeReport report) {
        List<Outcome> outcomes = of(report);
        s.append("\noutcomes (docs/outcomes.md):\n");
        if (outcomes.isEmpty()) {
            s.append("  not judged: too few answers\n");
        }
        for (Outcome o : outcomes) {
            s.append("  ").append(o.sentence()).append(String.format(Locale.ROOT, " (%s %s %.1f%s, %s)%n",
                    o.decided().kind(), o.decided().stat(), o.decided().value(), o.decided().unit().equals("ms") ? " ms" : " %",
                    o.decided().condition()));
        }
        LoadReport l = report.load();
        String band = l == null ? null : rpmBand(l);
        if (band != null) {
            s.append(String.format(Locale.ROOT, "  responsiveness: %.0f RPM loaded is %s (draft-ietf-ippm-responsiveness 1.2: "
                    + "poor below 300, fair below 1000, good below 6000, excellent from 6000)%n", l.loadedRpm(), band));
        }
    }

    static ArrayNode json(ObjectMapper mapper, ProbeReport report) {
        return OutcomeJson.of(mapper, of(report));
    }
}
