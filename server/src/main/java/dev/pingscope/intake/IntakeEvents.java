package dev.pingscope.intake;

import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;

/** What the intake tells the rest of the server (the metrics) about the batches it accepts and refuses. */
public interface IntakeEvents {
    void accepted(ProbeKind kind, Source source, int samples);

    void rejected(RejectReason reason);
}
