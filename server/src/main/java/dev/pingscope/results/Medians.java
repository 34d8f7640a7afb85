package dev.pingscope.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The idle medians of a result, as people read them: "HTTP HEAD 12.4 ms". Shared by the page's title and the card. */
final class Medians {
    private static final Map<String, String> NAMES = Map.of(
            "http_head", "HTTP HEAD", "ws_echo", "WebSocket echo", "ws_ping", "WebSocket PING");

    private Medians() {}

    static String name(String kind) {
        return NAMES.getOrDefault(kind, kind);
    }

    /** "12.4 ms" (three significant digits), or "no answer" when nothing was measured. */
    static String text(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no answer";
        }
        return ms(h.getValueAtPercentile(50));
    }

    static String ms(long micros) {
        double ms = micros / 1_000.0;
        String number = ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms)
                : ms >= 10 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.2f", ms);
        return number + " ms";
    }

    /** "HTTP HEAD 12.4 ms · WebSocket echo 11.2 ms" */
    static String line(StoredResult r) {
        List<String> parts = new ArrayList<>();
        r.probes().forEach((kind, k) -> parts.add(name(kind) + " " + text(k.idle().histogram())));
        return String.join(" · ", parts);
    }
}
