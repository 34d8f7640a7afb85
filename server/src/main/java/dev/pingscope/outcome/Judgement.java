package dev.pingscope.outcome;

/**
 * One use judged on one condition: the rating, the figure that decided it and in words why.
 *
 * @param stat   p50, p90, p99 (value in ms), loss (value in % of probes) or jitter (ms)
 * @param score  the QoO score of the deciding check, 0 (at or past the poor limit) to 100 (within the good one)
 * @param reason "1 in 10 round trips took over 300 ms while downloading"
 */
public record Judgement(String condition, String kind, String rating, String stat, double value, long score, String reason) {
    /** The unit of the value: "percent" for loss, "ms" otherwise (the field name in the JSON forms). */
    public String unit() {
        return stat.equals("loss") ? "percent" : "ms";
    }
}
