package dev.pingscope.recording;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import java.util.ArrayList;
import java.util.List;

/** A probe kind measured by one source under one load condition: the unit of /api/stats. */
public record Series(ProbeKind kind, Source source, Load load) {

    /** Every series, in a fixed order: by kind, then by source, then by load condition. */
    public static List<Series> all() {
        List<Series> all = new ArrayList<>();
        for (ProbeKind kind : ProbeKind.values()) {
            for (Source source : Source.values()) {
                for (Load load : Load.values()) {
                    all.add(new Series(kind, source, load));
                }
            }
        }
        return List.copyOf(all);
    }
}
