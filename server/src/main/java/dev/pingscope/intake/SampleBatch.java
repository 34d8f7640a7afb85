package dev.pingscope.intake;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import java.util.List;
import java.util.Map;

/**
 * A validated batch of client-measured round-trip times, in microseconds, by probe kind, from one source,
 * all measured under one load condition.
 */
public record SampleBatch(Source source, Load load, Map<ProbeKind, List<Long>> micros) {
    public SampleBatch {
        micros = Map.copyOf(micros);
    }

    public int size() {
        return micros.values().stream().mapToInt(List::size).sum();
    }
}
