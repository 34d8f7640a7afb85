package dev.pingscope.recording;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The server's own pauses, jHiccup's idea: one daemon thread parks for 1 ms in a loop and records how late
 * it wakes (actual wake-up minus park start plus 1 ms). Whatever stalls the whole JVM (a GC pause, a
 * safepoint, the machine's scheduler) delays this thread as it delays a probe's answer, so every RTT sample
 * may carry up to that much of the server's own time.
 *
 * <p>Values go into an HdrHistogram in microseconds (the range and precision of {@link RttRecorders}),
 * recorded with {@code recordValueWithExpectedInterval} of 1 ms: a 100 ms stall counts as the hundred
 * 1 ms samples it swallowed, so percentiles read as shares of time (as jHiccup's do). The reporter thread
 * takes interval histograms ({@link #takeInterval}); this thread is the only writer, so a
 * {@link SingleWriterRecorder} suffices.
 *
 * <p>Alongside, a ring of per-second maxima for the last hour answers "did the server stall during my
 * run?" ({@link #pauses}) without a lock: each slot is one long holding the second and its maximum, written
 * by this thread only and read by request threads.
 */
public final class HiccupRecorder implements AutoCloseable {
    public static final long RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The longest window {@link #pauses} answers for. */
    public static final int MAX_WINDOW_SECONDS = 3600;
    /** A pause above this counts in {@link PauseWindow#over10ms()}. */
    public static final long NOTABLE_MICROS = 10_000;

    private static final long RESOLUTION_MICROS = RESOLUTION_NANOS / 1_000;
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The window's seconds plus the current one, and one more that the writer may be filling meanwhile. */
    private static final int SLOTS = MAX_WINDOW_SECONDS + 2;
    /** A slot holds (second << MICROS_BITS) | maximum in µs; 2^27 µs (134 s) is above the histograms' 60 s. */
    private static final int MICROS_BITS = 27;
    private static final long MICROS_MASK = (1L << MICROS_BITS) - 1;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(
            RttRecorders.LOWEST_MICROS, RttRecorders.HIGHEST_MICROS, RttRecorders.SIGNIFICANT_DIGITS);
    private final AtomicLongArray secondMaxima = new AtomicLongArray(SLOTS);
    private final long originNanos = System.nanoTime();
    private final Thread thread = new Thread(this::run, "pingscope-hiccups");
    private volatile boolean running;

    /**
     * The largest pause in a window of the last seconds, and how many of its seconds held one above 10 ms.
     *
     * @param seconds  the window asked for
     * @param maxMs    the longest pause seen in it, in ms (0 when the recorder had not run yet)
     * @param over10ms seconds of the window in which a pause exceeded 10 ms
     */
    public record PauseWindow(int seconds, double maxMs, int over10ms) {}

    public HiccupRecorder() {
        thread.setDaemon(true);
    }

    /** Starts the recording thread (once). */
    public synchronized void start() {
        if (!running && thread.getState() == Thread.State.NEW) {
            running = true;
            thread.start();
        }
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(RESOLUTION_NANOS);
            long after = System.nanoTime();
            long lateMicros = (after - before - RESOLUTION_NANOS) / 1_000;
            long micros = Math.max(RttRecorders.LOWEST_MICROS, Math.min(RttRecorders.HIGHEST_MICROS, lateMicros));
            recorder.recordValueWithExpectedInterval(micros, RESOLUTION_MICROS);
            markSeconds(secondOf(before), secondOf(after), micros);
        }
    }

    /** Seconds since this recorder was made, counted from 1 so that a slot of 0 means "never written". */
    private long secondOf(long nanos) {
        return (nanos - originNanos) / SECOND_NANOS + 1;
    }

    /** Every second the pause covered had that pause in it (a 3 s stall makes three bad seconds). */
    private void markSeconds(long from, long to, long micros) {
        for (long second = Math.max(from, to - SLOTS + 1); second <= to; second++) {
            int slot = (int) (second % SLOTS);
            long held = secondMaxima.get(slot);
            boolean same = (held >>> MICROS_BITS) == second;
            if (!same || (held & MICROS_MASK) < micros) {
                secondMaxima.lazySet(slot, (second << MICROS_BITS) | micros);
            }
        }
    }

    /**
     * The pauses of the last {@code seconds} seconds: the current second and the {@code seconds} whole
     * seconds before it, so that a run of that length is covered whatever its phase. Cheap: reads at most
     * 3601 longs, allocates only the answer.
     *
     * @throws IllegalArgumentException when seconds is outside 1 to {@value #MAX_WINDOW_SECONDS}
     */
    public PauseWindow pauses(int seconds) {
        if (seconds < 1 || seconds > MAX_WINDOW_SECONDS) {
            throw new IllegalArgumentException("seconds must be 1 to " + MAX_WINDOW_SECONDS);
        }
        long now = secondOf(System.nanoTime());
        long maxMicros = 0;
        int notable = 0;
        for (long second = Math.max(1, now - seconds); second <= now; second++) {
            long held = secondMaxima.get((int) (second % SLOTS));
            if ((held >>> MICROS_BITS) == second) {
                long micros = held & MICROS_MASK;
                maxMicros = Math.max(maxMicros, micros);
                if (micros > NOTABLE_MICROS) {
                    notable++;
                }
            }
        }
        return new PauseWindow(seconds, maxMicros / 1_000.0, notable);
    }

    /**
     * Moves everything recorded since the last call into a histogram (µs). Call from one thread only.
     *
     * @param recycle the histogram returned by the previous call, or null
     */
    public Histogram takeInterval(Histogram recycle) {
        return recorder.getIntervalHistogram(recycle);
    }

    /** Stops the thread and waits briefly for it. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
