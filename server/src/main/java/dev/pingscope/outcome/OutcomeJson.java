package dev.pingscope.outcome;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON form of verdicts, as the browser's result.outcomes has it (docs/outcomes.md): per use, use, name,
 * rating, condition, kind, reason, sentence, figure {stat, ms or percent}, score, and conditions {condition:
 * {rating, kind, score, reason, figure}}.
 */
public final class OutcomeJson {
    private OutcomeJson() {}

    public static ArrayNode of(ObjectMapper mapper, List<Outcome> outcomes) {
        ArrayNode list = mapper.createArrayNode();
        for (Outcome o : outcomes) {
            Judgement d = o.decided();
            ObjectNode node = list.addObject();
            node.put("use", o.use());
            node.put("name", o.name());
            node.put("rating", d.rating());
            node.put("condition", d.condition());
            node.put("kind", d.kind());
            node.put("reason", d.reason());
            node.put("sentence", o.sentence());
            node.set("figure", figure(mapper, d));
            node.put("score", d.score());
            ObjectNode conditions = node.putObject("conditions");
            for (Judgement j : o.conditions()) {
                ObjectNode c = conditions.putObject(j.condition());
                c.put("rating", j.rating());
                c.put("kind", j.kind());
                c.put("score", j.score());
                c.put("reason", j.reason());
                c.set("figure", figure(mapper, j));
            }
        }
        return list;
    }

    private static ObjectNode figure(ObjectMapper mapper, Judgement j) {
        ObjectNode f = mapper.createObjectNode();
        f.put("stat", j.stat());
        f.put(j.unit(), j.value());
        return f;
    }
}
