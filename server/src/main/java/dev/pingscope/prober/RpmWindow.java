package dev.pingscope.prober;

import dev.pingscope.recording.RttRecorders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The probes of the last MAD intervals, over which the draft takes each interval's RPM (§5.3.1.1: "the final
 * calculation of network responsiveness considers the last MAD ... intervals worth of completed responsiveness
 * probes"). Self probes are the kernel's RTT of the load connections when either end could read it
 * ({@link SelfProber}); otherwise the HEAD probes on their warm connection stand in, and the report says so.
 */
final class RpmWindow {
    private record Interval(ForeignProber.Interval foreign, List<Double> self, Histogram head) {}

    private final boolean tls;
    private final Deque<Interval> intervals = new ArrayDeque<>();

    RpmWindow(boolean tls) {
        this.tls = tls;
    }

    /** One interval's foreign probes, kernel self samples (ms, maybe none) and warm HEAD probes. */
    void add(ForeignProber.Interval foreign, List<Double> selfMs, Histogram head) {
        intervals.addLast(new Interval(foreign, List.copyOf(selfMs), head));
        while (intervals.size() > Stability.MAD) {
            intervals.removeFirst();
        }
    }

    /** Whether the window's self probes are the kernel's RTT (else the warm HEAD probes). */
    boolean selfFromKernel() {
        return !selfSamples().isEmpty();
    }

    /** TM(http_l) over the window, ms. */
    double selfTrimmedMeanMs() {
        List<Double> self = selfSamples();
        if (!self.isEmpty()) {
            return Responsiveness.trimmedMean(self.stream().mapToDouble(Double::doubleValue).toArray());
        }
        Histogram head = RttRecorders.newHistogram();
        intervals.forEach(i -> head.add(i.head));
        return Responsiveness.trimmedMeanMs(head);
    }

    /** The draft's RPM over the window; NaN while a term has no sample. */
    double rpm() {
        Histogram tcp = RttRecorders.newHistogram();
        Histogram handshake = RttRecorders.newHistogram();
        Histogram http = RttRecorders.newHistogram();
        for (Interval i : intervals) {
            tcp.add(i.foreign.tcp());
            if (tls) {
                handshake.add(i.foreign.tls());
            }
            http.add(i.foreign.http());
        }
        return Responsiveness.rpm(Responsiveness.trimmedMeanMs(tcp), tls ? Responsiveness.trimmedMeanMs(handshake) : Double.NaN,
                Responsiveness.trimmedMeanMs(http), selfTrimmedMeanMs());
    }

    private List<Double> selfSamples() {
        List<Double> all = new ArrayList<>();
        intervals.forEach(i -> all.addAll(i.self));
        return all;
    }
}
