import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/**
 * One series' figures between two snapshots of /api/stats: the "total" histogram of the later minus that of
 * the earlier, so that a bench window leaves out what came before it (the ramp-up of a hold, a warm-up).
 * Prints one JSON object: count, p50_ms, p99_ms, max_ms.
 *
 * <p>Usage (the jar holds HdrHistogram and Jackson):
 * {@code java -cp server/target/pingscope.jar server/bench/StatsWindow.java BEFORE.json AFTER.json KIND SOURCE}
 */
public final class StatsWindow {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: StatsWindow BEFORE.json AFTER.json KIND SOURCE");
            System.exit(2);
        }
        Histogram window = total(Path.of(args[1]), args[2], args[3]);
        window.subtract(total(Path.of(args[0]), args[2], args[3]));
        boolean empty = window.getTotalCount() == 0;
        System.out.printf("{\"count\":%d,\"p50_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s,\"note\":\"window\"}%n",
                window.getTotalCount(), ms(window, 50, empty), ms(window, 99, empty),
                empty ? "null" : String.valueOf(window.getMaxValue() / 1000.0));
    }

    private static String ms(Histogram h, double percentile, boolean empty) {
        return empty ? "null" : String.valueOf(h.getValueAtPercentile(percentile) / 1000.0); // µs to ms
    }

    /** The series' "total" histogram (µs), decoded from its base64 compressed form. */
    private static Histogram total(Path stats, String kind, String source) throws Exception {
        for (JsonNode series : new ObjectMapper().readTree(stats.toFile()).get("series")) {
            if (kind.equals(series.get("kind").asText()) && source.equals(series.get("source").asText())
                    && "idle".equals(series.get("load").asText())) {
                byte[] bytes = Base64.getDecoder().decode(series.get("total").get("histogram").asText());
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            }
        }
        throw new IllegalArgumentException(stats + " has no idle series for " + kind + " from " + source);
    }
}
