package dev.pingscope.pauses;

import dev.pingscope.recording.HiccupRecorder;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * {@code GET /api/pauses?seconds=N}: the server's own pauses during the last N seconds (1 to 3600), so that
 * a page or {@code pingscope probe} can tell whether the server stalled during its run:
 * {@code {"seconds": N, "maxMs": 14.2, "over10ms": 1}}. Anything but a whole number in range is a 400 with
 * a one-line reason. Reads the recorder's ring of per-second maxima: no lock, nothing allocated but the answer.
 */
public final class PausesHandler implements Handler {
    public static final String PATH = "/api/pauses";
    private static final String REASON = "seconds must be a whole number from 1 to " + HiccupRecorder.MAX_WINDOW_SECONDS;

    private final HiccupRecorder hiccups;

    public PausesHandler(HiccupRecorder hiccups) {
        this.hiccups = hiccups;
    }

    @Override
    public void handle(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        int seconds = parse(ctx.queryParam("seconds"));
        if (seconds < 0) {
            ctx.status(400).json(Map.of("error", "bad_seconds", "message", REASON));
            return;
        }
        ctx.json(hiccups.pauses(seconds));
    }

    /** The number of seconds, or -1 when the text is not a whole number from 1 to 3600. */
    static int parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= 1 && value <= HiccupRecorder.MAX_WINDOW_SECONDS ? value : -1;
    }
}
