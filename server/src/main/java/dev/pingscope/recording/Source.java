package dev.pingscope.recording;

/** Who measured a round trip. */
public enum Source {
    /** Measured in a browser and sent to the sample intake. */
    BROWSER("browser"),
    /** Measured by this server itself (WebSocket PING to PONG). */
    SERVER("server");

    private final String wireName;

    Source(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
