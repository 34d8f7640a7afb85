package dev.pingscope.intake;

/** A batch that cannot be accepted: the reason and a message that names the problem. Nothing of it is recorded. */
public final class BatchRejected extends Exception {
    private final RejectReason reason;

    public BatchRejected(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
