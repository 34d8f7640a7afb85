package dev.pingscope.intake;

import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import java.util.List;
import java.util.Map;

/** A validated batch of client-measured round-trip times, in microseconds, by probe kind, from one source. */
public record SampleBatch(Source source, Map<ProbeKind, List<Long>> micros) {
    public SampleBatch {
        micros = Map.copyOf(micros);
    }

    public int size() {
        return micros.values().stream().mapToInt(List::size).sum();
    }
}
