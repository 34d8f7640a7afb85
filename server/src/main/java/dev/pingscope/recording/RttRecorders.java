package dev.pingscope.recording;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import dev.pingscope.sample.Source;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One HdrHistogram {@link Recorder} per {@link SiteSeries} (probe kind, source, site and load condition). Request threads
 * call the record methods (wait-free, no allocation); one reporter thread takes interval histograms with
 * {@link #takeInterval}.
 *
 * <pre>{@code
 * RttRecorders recorders = new RttRecorders(Sites.of(List.of()));
 * recorders.recordNanos(ProbeKind.WS_PING, Source.SERVER, Site.NONE, Load.IDLE, System.nanoTime() - sentNanos);
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
    private static final int LOADS = Load.values().length;

    private final int siteCount;
    private final List<SiteSeries> series;
    /** Indexed by kind, source and site; null where that combination is never recorded. */
    private final Recorder[] recorders;

    public RttRecorders(Sites sites) {
        this.siteCount = sites.all().size();
        this.series = SiteSeries.all(sites);
        this.recorders = new Recorder[ProbeKind.values().length * SOURCES * siteCount * LOADS];
        for (SiteSeries s : series) {
            recorders[index(s.kind(), s.source(), s.site(), s.load())] = new Recorder(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        }
    }

    /** A histogram with the range and precision every pingscope histogram uses. */
    public static Histogram newHistogram() {
        return new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Every series recorded here, in a fixed order. */
    public List<SiteSeries> series() {
        return series;
    }

    public void recordNanos(ProbeKind kind, Source source, Site site, Load load, long nanos) {
        recordMicros(kind, source, site, load, nanos / 1_000);
    }

    /**
     * Records one round trip, clamped to the histograms' range.
     *
     * @throws IllegalArgumentException for a combination that is not a {@link SiteSeries} (a programming error)
     */
    public void recordMicros(ProbeKind kind, Source source, Site site, Load load, long micros) {
        long clamped = Math.max(LOWEST_MICROS, Math.min(HIGHEST_MICROS, micros));
        recorderOf(kind, source, site, load).recordValue(clamped);
    }

    /**
     * Moves everything recorded since the last call into a histogram. Call from one thread only.
     *
     * @param recycle the histogram returned by the previous call for the same series, or null
     */
    public Histogram takeInterval(SiteSeries s, Histogram recycle) {
        return recorderOf(s.kind(), s.source(), s.site(), s.load()).getIntervalHistogram(recycle);
    }

    private Recorder recorderOf(ProbeKind kind, Source source, Site site, Load load) {
        Recorder recorder = site.index() < siteCount ? recorders[index(kind, source, site, load)] : null;
        if (recorder == null) {
            throw new IllegalArgumentException(kind.wireName() + " from " + source.wireName() + " on site "
                    + site.label() + " under load " + load.wireName() + " is not a recorded series");
        }
        return recorder;
    }

    @SuppressWarnings("EnumOrdinal") // a dense array index on the recording hot path, where an EnumMap would cost
    private int index(ProbeKind kind, Source source, Site site, Load load) {
        return ((kind.ordinal() * SOURCES + source.ordinal()) * siteCount + site.index()) * LOADS + load.ordinal();
    }
}
