package dev.pingscope.results;

import dev.pingscope.outcome.Outcome;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * {@code GET /r/{id}}: the share page's HTML shell. The web module's share.js draws the result with the page's
 * charts (it fetches {@code /api/results/{id}}); the table here makes the page useful without JavaScript, and
 * the Open Graph tags (title with the medians, the PNG card as image) make a pasted link preview. Every value
 * is escaped, whatever it holds.
 */
final class SharePage {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private SharePage() {}

    static String html(StoredResult r, String base) {
        String url = base + "/r/" + r.id();
        String title = "pingscope: " + Medians.line(r);
        String description = "Round-trip times measured " + WHEN.format(r.createdAt()) + " (" + r.source() + ", "
                + r.browser() + ", site " + r.site() + ", instance " + r.instance() + ")";
        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n")
                .append(meta("og:type", "website"))
                .append(meta("og:site_name", "pingscope"))
                .append(meta("og:title", title))
                .append(meta("og:description", description))
                .append(meta("og:url", url))
                .append(meta("og:image", url + ".png"))
                .append(meta("og:image:width", Integer.toString(ResultCard.WIDTH)))
                .append(meta("og:image:height", Integer.toString(ResultCard.HEIGHT)))
                .append(meta("og:image:alt", title))
                .append("<meta name=\"twitter:card\" content=\"summary_large_image\">\n")
                .append("<meta name=\"description\" content=\"").append(Html.escape(description)).append("\">\n")
                .append("<link rel=\"icon\" href=\"/favicon.svg\">\n")
                .append("<link rel=\"stylesheet\" href=\"/style.css\">\n")
                .append("<script type=\"module\" src=\"/share.js\"></script>\n")
                .append("</head>\n<body>\n<main>\n<h1>pingscope result</h1>\n")
                .append("<p class=\"facts\">").append(Html.escape(description)).append("</p>\n")
                .append("<div id=\"result\" data-id=\"").append(Html.escape(r.id())).append("\">\n")
                .append("<table class=\"fallback\">\n<thead><tr><th>probe</th><th>condition</th><th>protocol</th>")
                .append("<th>count</th><th>lost</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead>\n<tbody>\n");
        r.probes().forEach((kind, k) -> {
            row(h, kind, Condition.IDLE, k.protocol(), k.idle());
            if (k.loaded() != null) {
                row(h, kind, Condition.LOADED, k.protocol(), k.loaded());
            }
        });
        h.append("</tbody>\n</table>\n");
        String kernel = kernelLine(r.reference());
        if (kernel != null) {
            h.append("<p class=\"reference fallback\">").append(Html.escape(kernel)).append("</p>\n");
        }
        h.append("<ul class=\"outcomes fallback\">\n");
        for (Outcome o : StoredOutcomes.of(r)) {
            h.append("<li data-use=\"").append(Html.escape(o.use())).append("\" data-rating=\"")
                    .append(Html.escape(o.decided().rating())).append("\">").append(Html.escape(o.sentence())).append("</li>\n");
        }
        h.append("</ul>\n</div>\n")
                .append("<p><a href=\"/\">Measure your own</a></p>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The verdict against the kernel's RTT, as the measurement page words it; null for results saved without one. */
    static String kernelLine(SavedReference ref) {
        if (ref == null) {
            return null;
        }
        String verdict = ref.verdict();
        if (verdict != null) {
            return "Against the kernel: " + verdict;
        }
        String why = ref.unavailable() != null ? ref.unavailable()
                : ref.head() != null && ref.head().unavailable() != null ? ref.head().unavailable()
                : ref.ws() != null ? ref.ws().unavailable() : null;
        return "The kernel's RTT was not available" + (why == null ? "." : " (" + why + ").");
    }

    private static String meta(String property, String content) {
        return "<meta property=\"" + property + "\" content=\"" + Html.escape(content) + "\">\n";
    }

    private static void row(StringBuilder h, String kind, String condition, String protocol, Condition c) {
        Histogram hist = c.histogram();
        boolean any = hist.getTotalCount() > 0;
        h.append("<tr><td>").append(Html.escape(Medians.name(kind))).append("</td><td>").append(Html.escape(condition))
                .append("</td><td>").append(Html.escape(protocol)).append("</td><td>").append(hist.getTotalCount())
                .append("</td><td>").append(c.lost()).append("</td>");
        for (long v : any ? new long[] {hist.getMinValue(), hist.getValueAtPercentile(50), hist.getValueAtPercentile(90),
                hist.getValueAtPercentile(99), hist.getMaxValue()} : new long[0]) {
            h.append("<td>").append(Html.escape(Medians.ms(v))).append("</td>");
        }
        if (!any) {
            h.append("<td colspan=\"5\">no answer</td>");
        }
        h.append("</tr>\n");
    }
}
