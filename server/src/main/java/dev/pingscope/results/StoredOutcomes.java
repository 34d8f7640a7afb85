package dev.pingscope.results;

import dev.pingscope.outcome.Figures;
import dev.pingscope.outcome.Outcome;
import dev.pingscope.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome verdicts of a saved result (docs/outcomes.md), computed from its stored histograms whenever it is
 * shown, so that results saved before the rules existed get them too and a change of the rules applies to all.
 * The histograms keep no order of the samples, so there is no jitter: that check is not judged here.
 */
final class StoredOutcomes {
    private StoredOutcomes() {}

    static List<Outcome> of(StoredResult r) {
        Outcomes rules = Outcomes.standard();
        String load = r.settings() == null ? "none" : r.settings().path("load").asText("none");
        List<Figures> figures = new ArrayList<>();
        String idle = pick(rules, r, false);
        if (idle != null) {
            Condition c = r.probes().get(idle).idle();
            figures.add(Figures.of(Condition.IDLE, idle, c.histogram(), c.lost()));
        }
        String loaded = pick(rules, r, true);
        if (loaded != null) {
            Condition c = r.probes().get(loaded).loaded();
            figures.add(Figures.of(load.equals("none") ? Condition.LOADED : load, loaded, c.histogram(), c.lost()));
        }
        return rules.evaluate(figures);
    }

    private static String pick(Outcomes rules, StoredResult r, boolean loaded) {
        for (String kind : rules.kinds()) {
            KindResult k = r.probes().get(kind);
            Condition c = k == null ? null : loaded ? k.loaded() : k.idle();
            if (c != null && c.histogram().getTotalCount() >= rules.minSamples()) {
                return kind;
            }
        }
        return null;
    }
}
