package dev.pingscope.http;

import java.time.Duration;

/**
 * How long a request body may take to arrive: a total deadline from the end of the request head, and a
 * minimum data rate, checked over each window of {@code rateWindow}. A body that breaks either is failed
 * with 408 and its connection closed ({@link BodyReader}); no thread waits for it meanwhile.
 *
 * <p>The rate is checked per window, not averaged since the start, so that a fast start buys no time for a
 * trickle later; the first check comes one window after the head, which is the grace a slow link gets. A
 * body whose declared length is nearly in needs only its remaining bytes in a window.
 *
 * @param deadline          the whole body must be in by then; {@link Duration#ZERO} for none (streams)
 * @param minBytesPerSecond the least a body must deliver, on average over each window
 * @param rateWindow        the window the rate is measured over, and the grace before the first check
 */
public record BodyLimits(Duration deadline, long minBytesPerSecond, Duration rateWindow) {
    /** 10 s: a batch or a saved result is a few KiB, in well under a second on any link that can measure. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    /** 1 KiB/s: a 64 kbit/s link delivers eight times as much; a byte-a-second trickle fails its first window. */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 1024;
    /** 2 s: a lost segment's retransmission (1 s RTO) fits within one window. */
    public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(2);


    public BodyLimits {
        if (deadline == null || deadline.isNegative()) {
            throw new IllegalArgumentException("the body deadline must be zero (none) or positive: " + deadline);
        }
        if (minBytesPerSecond < 1) {
            throw new IllegalArgumentException("the minimum body rate must be at least 1 byte/s: " + minBytesPerSecond);
        }
        if (rateWindow == null || rateWindow.toMillis() < 100) {
            throw new IllegalArgumentException("the body rate window must be at least 100 ms: " + rateWindow);
        }
    }

    /** Bytes a body must deliver within one window. */
    long minBytesPerWindow() {
        return Math.max(1, minBytesPerSecond * rateWindow.toMillis() / 1000);
    }
}
