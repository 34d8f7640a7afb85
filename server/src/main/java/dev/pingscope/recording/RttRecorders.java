package dev.pingscope.recording;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One HdrHistogram {@link Recorder} per probe kind and source. Request threads call the record methods
 * (wait-free); one reporter thread takes interval histograms with {@link #takeInterval}.
 *
 * <pre>{@code
 * RttRecorders recorders = new RttRecorders();
 * recorders.recordNanos(ProbeKind.WS_PING, Source.SERVER, System.nanoTime() - sentNanos);
 * }</pre>
 *
 * Values are stored in microseconds, from 1 µs to 60 s, with 3 significant digits (0.1 % resolution).
 * A value below 1 µs is recorded as 1 µs, one above 60 s as 60 s.
 */
public final class RttRecorders {
    public static final long LOWEST_MICROS = 1;
    public static final long HIGHEST_MICROS = 60_000_000;
    public static final int SIGNIFICANT_DIGITS = 3;

    private static final int SOURCES = Source.values().length;

    private final Recorder[] recorders = new Recorder[ProbeKind.values().length * SOURCES];

    public RttRecorders() {
        for (int i = 0; i < recorders.length; i++) {
            recorders[i] = new Recorder(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        }
    }

    /** A histogram with the range and precision every pingscope histogram uses. */
    public static Histogram newHistogram() {
        return new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    public void recordNanos(ProbeKind kind, Source source, long nanos) {
        recordMicros(kind, source, nanos / 1_000);
    }

    public void recordMicros(ProbeKind kind, Source source, long micros) {
        long clamped = Math.max(LOWEST_MICROS, Math.min(HIGHEST_MICROS, micros));
        recorders[index(kind, source)].recordValue(clamped);
    }

    /**
     * Moves everything recorded since the last call into a histogram. Call from one thread only.
     *
     * @param recycle the histogram returned by the previous call for the same series, or null
     */
    public Histogram takeInterval(ProbeKind kind, Source source, Histogram recycle) {
        return recorders[index(kind, source)].getIntervalHistogram(recycle);
    }

    private static int index(ProbeKind kind, Source source) {
        return kind.ordinal() * SOURCES + source.ordinal();
    }
}
