package dev.pingscope.prober;

import dev.pingscope.recording.RttRecorders;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one probe kind measured, recorded twice as wrk2 does: latency from the probe's intended send time
 * (corrected for coordinated omission: a stall counts for every probe it delayed) and from its actual send
 * time (raw). Also counts lost probes and how far the sender fell behind its schedule.
 */
public final class ProbeRecorder {
    /** A probe sent more than this after its intended time counts as sent late. */
    static final long LATE_NANOS = 1_000_000;

    private final Recorder corrected = newRecorder();
    private final Recorder raw = newRecorder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final Set<String> protocols = ConcurrentHashMap.newKeySet();
    private final Set<String> instances = ConcurrentHashMap.newKeySet();
    private final SampleSink sink;
    private final Object intervalLock;
    private volatile String lastError;

    /**
     * @param sink         receives every answered probe's raw RTT
     * @param intervalLock held while a sample is recorded and passed to the sink; whoever takes intervals holds
     *                     it too, so that a sample is in the interval its sink call was decided for
     */
    public ProbeRecorder(SampleSink sink, Object intervalLock) {
        this.sink = sink;
        this.intervalLock = intervalLock;
    }

    private static Recorder newRecorder() {
        return new Recorder(RttRecorders.LOWEST_MICROS, RttRecorders.HIGHEST_MICROS, RttRecorders.SIGNIFICANT_DIGITS);
    }

    /** A probe answered at receivedNanos that was meant to go at intendedNanos and went at sentNanos. */
    public void answered(long intendedNanos, long sentNanos, long receivedNanos) {
        long rawNanos = receivedNanos - sentNanos;
        synchronized (intervalLock) { // the probing client's side, never the server's hot path
            corrected.recordValue(micros(receivedNanos - intendedNanos));
            raw.recordValue(micros(rawNanos));
            sink.accept(rawNanos);
        }
        sent(intendedNanos, sentNanos);
    }

    /** An RTT measured elsewhere (ws_ping, timed by the server): no schedule, so corrected equals raw. */
    public void measured(long rttNanos) {
        corrected.recordValue(micros(rttNanos));
        raw.recordValue(micros(rttNanos));
    }

    public void lost() {
        lost.increment();
    }

    /** A connection failed (during the warm-up too): keeps the reason for the report. */
    public void failed(Throwable cause) {
        lastError = FailureReason.describe(cause);
    }

    /** An answer came over this protocol (h2, http/1.1, ws, wss) from this pingscope instance (null if not said). */
    public void served(String protocol, String instance) {
        protocols.add(protocol);
        if (instance != null) {
            instances.add(instance);
        }
    }

    public List<String> protocols() {
        return protocols.stream().sorted().toList();
    }

    public List<String> instances() {
        return instances.stream().sorted().toList();
    }

    /** Why the last connection failed, or null. */
    public String lastError() {
        return lastError;
    }

    /** Notes how late a probe went out compared with its schedule. */
    public void sent(long intendedNanos, long sentNanos) {
        long lag = sentNanos - intendedNanos;
        if (lag > LATE_NANOS) {
            late.increment();
        }
        maxLagNanos.accumulateAndGet(lag, Math::max);
    }

    public Histogram takeCorrected(Histogram recycle) {
        return corrected.getIntervalHistogram(recycle);
    }

    public Histogram takeRaw(Histogram recycle) {
        return raw.getIntervalHistogram(recycle);
    }

    public long lostCount() {
        return lost.sum();
    }

    public long lateCount() {
        return late.sum();
    }

    public long maxLagNanos() {
        return maxLagNanos.get();
    }

    private static long micros(long nanos) {
        return Math.max(RttRecorders.LOWEST_MICROS, Math.min(RttRecorders.HIGHEST_MICROS, nanos / 1_000));
    }

    /** Receives every raw RTT, e.g. to report it to a server. */
    public interface SampleSink {
        SampleSink NONE = nanos -> {};

        void accept(long rttNanos);
    }
}
