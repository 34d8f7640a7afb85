package dev.pingscope.recording;

import dev.pingscope.sample.Load;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Durable histograms (--hlog-dir): every interval of every series is appended to an HdrHistogram log,
 * {@code <kind>.<source>.<site>.hlog} (idle) or {@code <kind>.<source>.<site>.<load>.hlog}, flushed at once; at start the logs are read back and their sum becomes the
 * totals, so /api/stats totals continue across restarts. Values are microseconds. A line cut short by a
 * crash ends the restore of that file, with a warning.
 */
public final class HistogramStore implements AutoCloseable {
    private final Path dir;
    private final Map<SiteSeries, HistogramLogWriter> writers = new HashMap<>();
    private final Map<SiteSeries, PrintStream> streams = new HashMap<>();

    private HistogramStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (and creates) the directory; throws IllegalArgumentException when it cannot be written. */
    public static HistogramStore open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write to " + dir);
        }
        return new HistogramStore(dir);
    }

    /**
     * kind.source.site.hlog, the site's label made safe for a file name (origins hold ':' and '/'); loaded
     * series add their condition (kind.source.site.download.hlog), so logs written before it existed stay idle.
     */
    Path fileOf(SiteSeries s) {
        String site = s.site().label().replaceAll("[^A-Za-z0-9.-]+", "_");
        String load = s.load() == Load.IDLE ? "" : "." + s.load().wireName();
        return dir.resolve(s.kind().wireName() + "." + s.source().wireName() + "." + site + load + ".hlog");
    }

    /** The sum of every interval logged so far, per series (series without a log are absent). */
    public Map<SiteSeries, Histogram> restore(List<SiteSeries> series) {
        Map<SiteSeries, Histogram> totals = new HashMap<>();
        for (SiteSeries s : series) {
            Path file = fileOf(s);
            if (!Files.exists(file)) {
                continue;
            }
            Histogram total = RttRecorders.newHistogram();
            try (InputStream in = Files.newInputStream(file)) {
                HistogramLogReader reader = new HistogramLogReader(in);
                EncodableHistogram interval;
                while ((interval = reader.nextIntervalHistogram()) != null) {
                    total.add((Histogram) interval);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("pingscope: " + file + " ends in a damaged line; restored what came before it (" + e + ")");
            }
            totals.put(s, total);
        }
        return totals;
    }

    /** Appends one interval of one series. Called on the reporter thread only. */
    public void append(SiteSeries s, Histogram interval, long startMs, long endMs) throws IOException {
        HistogramLogWriter writer = writers.get(s);
        if (writer == null) {
            Path file = fileOf(s);
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            PrintStream stream = new PrintStream(out, false, StandardCharsets.US_ASCII);
            writer = new HistogramLogWriter(stream);
            if (fresh) {
                writer.outputLogFormatVersion();
                writer.outputComment("pingscope " + s.kind().wireName() + "/" + s.source().wireName() + "/"
                        + s.site().label() + "/" + s.load().wireName() + ": round-trip times in microseconds, one interval a line");
                writer.outputLegend();
            }
            writer.setBaseTime(0); // absolute timestamps: a log appended to by many runs stays readable
            writers.put(s, writer);
            streams.put(s, stream);
        }
        interval.setStartTimeStamp(startMs);
        interval.setEndTimeStamp(endMs);
        writer.outputIntervalHistogram(interval);
        streams.get(s).flush();
    }

    @Override
    public void close() {
        streams.values().forEach(PrintStream::close);
    }
}
