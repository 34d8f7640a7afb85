package dev.pingscope.outcome;

import java.util.List;

/**
 * The verdict for one use (video calls, online games, streaming, browsing): its worst condition's judgement,
 * and every condition judged, idle first.
 *
 * @param use  the rule's key, e.g. video_calls
 * @param name the use in words, e.g. video calls
 */
public record Outcome(String use, String name, Judgement decided, List<Judgement> conditions) {
    public Outcome {
        conditions = List.copyOf(conditions);
    }

    /** "poor for video calls: 1 in 10 round trips took over 300 ms while downloading" */
    public String sentence() {
        return decided.rating() + " for " + name + ": " + decided.reason();
    }
}
