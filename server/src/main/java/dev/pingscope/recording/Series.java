package dev.pingscope.recording;

import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;

/** A probe kind measured by one source: the unit of recording, of statistics and of the RTT metric. */
public record Series(ProbeKind kind, Source source) {

    /** Every series, in a fixed order: by kind, then by source. */
    public static java.util.List<Series> all() {
        java.util.List<Series> all = new java.util.ArrayList<>();
        for (ProbeKind kind : ProbeKind.values()) {
            for (Source source : Source.values()) {
                all.add(new Series(kind, source));
            }
        }
        return java.util.List.copyOf(all);
    }
}
