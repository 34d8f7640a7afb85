package dev.pingscope.sample;

/**
 * The condition a round trip was measured under: an idle line, or one a client was saturating with load
 * streams (docs/load.md). A small fixed set, so that it can be a metric label. {@link #wireName()} is the
 * name used in JSON, query parameters and labels.
 */
public enum Load {
    /** No load streams: the line as it is. */
    IDLE("idle"),
    /** While the client saturated the downlink (server to client). */
    DOWNLOAD("download"),
    /** While the client saturated the uplink (client to server). */
    UPLOAD("upload"),
    /** While the client saturated both directions at once. */
    BOTH("both");

    /** The wire names, for messages that list them. */
    public static final String NAMES = "idle, download, upload, both";

    private final String wireName;

    Load(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns the condition with this wire name, or null when there is none. */
    public static Load fromWireName(String name) {
        for (Load load : values()) {
            if (load.wireName.equals(name)) {
                return load;
            }
        }
        return null;
    }
}
