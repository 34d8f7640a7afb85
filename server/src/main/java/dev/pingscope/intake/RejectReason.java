package dev.pingscope.intake;

/** Why an intake batch was refused: a small fixed set, used as the {@code reason} label of the rejection counter. */
public enum RejectReason {
    MALFORMED("malformed", 400),
    EMPTY("empty", 400),
    UNKNOWN_KIND("unknown_kind", 400),
    UNKNOWN_SOURCE("unknown_source", 400),
    UNKNOWN_LOAD("unknown_load", 400),
    OUT_OF_RANGE("out_of_range", 400),
    TOO_MANY_SAMPLES("too_many_samples", 400),
    BODY_TOO_LARGE("body_too_large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    ORIGIN_NOT_ALLOWED("origin_not_allowed", 403),
    RATE_LIMITED("rate_limited", 429),
    TOO_MANY_CLIENTS("too_many_clients", 503);

    private final String wireName;
    private final int httpStatus;

    RejectReason(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
