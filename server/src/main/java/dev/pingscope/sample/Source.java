package dev.pingscope.sample;

/** Who measured a round trip. */
public enum Source {
    /** Measured in a browser and sent to the sample intake. */
    BROWSER("browser"),
    /** Measured by this server itself (WebSocket PING to PONG). */
    SERVER("server"),
    /** Measured by a synthetic client (pingscope probe --report-to) and sent to the sample intake. */
    SYNTHETIC("synthetic");

    private final String wireName;

    Source(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Whether this source measures that kind: the server times its own PINGs, clients time HEAD and echo, and
     * only browsers time udp_echo (pingscope probe does not measure it yet).
     */
    public boolean measures(ProbeKind kind) {
        return switch (this) {
            case SERVER -> kind == ProbeKind.WS_PING;
            case BROWSER -> kind != ProbeKind.WS_PING;
            case SYNTHETIC -> kind == ProbeKind.HTTP_HEAD || kind == ProbeKind.WS_ECHO;
        };
    }
}
