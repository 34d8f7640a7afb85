package dev.pingscope.results;

import dev.pingscope.outcome.Outcome;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * {@code GET /r/{id}.png}: the 1200×630 card a pasted link previews with (Open Graph), drawn with Java2D in
 * headless mode: the medians in large type, and per probe kind a bar from the median to the p99. Text needs
 * a font through fontconfig (Debian: fontconfig, which brings fonts-dejavu-core; the server image installs them).
 */
final class ResultCard {
    static final int WIDTH = 1200;
    static final int HEIGHT = 630;
    private static final Color BACKGROUND = new Color(0x0f172a);
    private static final Color TEXT = new Color(0xf8fafc);
    private static final Color MUTED = new Color(0x94a3b8);
    private static final Map<String, Color> KIND_COLORS = Map.of(
            "http_head", new Color(0x38bdf8), "ws_echo", new Color(0xa78bfa), "ws_ping", new Color(0x34d399));
    private static final Map<String, Color> RATING_COLORS = Map.of(
            "good", new Color(0x4ade80), "fair", new Color(0xfbbf24), "poor", new Color(0xf87171));
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Cards drawn since the JVM started (tests count drawings with it). */
    static final AtomicLong DRAWINGS = new AtomicLong();

    private ResultCard() {}

    /** One line under the title: each use and its rating, coloured by it ("video calls good · online games poor"). */
    private static void drawOutcomes(Graphics2D g, StoredResult r) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 26));
        int x = 64;
        for (Outcome o : StoredOutcomes.of(r)) {
            if (x > 64) {
                g.setColor(MUTED);
                g.drawString(" · ", x, 198);
                x += g.getFontMetrics().stringWidth(" · ");
            }
            g.setColor(TEXT);
            g.drawString(o.name() + " ", x, 198);
            x += g.getFontMetrics().stringWidth(o.name() + " ");
            g.setColor(RATING_COLORS.getOrDefault(o.decided().rating(), TEXT));
            g.drawString(o.decided().rating(), x, 198);
            x += g.getFontMetrics().stringWidth(o.decided().rating());
        }
    }

    static byte[] png(StoredResult r) {
        DRAWINGS.incrementAndGet();
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 56));
            g.drawString("pingscope", 64, 104);
            g.setColor(MUTED);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 28));
            g.drawString("median round-trip time · " + WHEN.format(r.createdAt()) + " · " + r.browser(), 64, 152);

            drawOutcomes(g, r);

            long slowest = 1;
            for (KindResult k : r.probes().values()) {
                Histogram h = k.idle().histogram();
                if (h.getTotalCount() > 0) {
                    slowest = Math.max(slowest, h.getValueAtPercentile(99));
                }
            }
            int y = 250;
            for (Map.Entry<String, KindResult> e : r.probes().entrySet()) {
                Histogram h = e.getValue().idle().histogram();
                Color color = KIND_COLORS.getOrDefault(e.getKey(), TEXT);
                g.setColor(color);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 32));
                g.drawString(Medians.name(e.getKey()) + " (" + e.getValue().protocol() + ")", 64, y);
                g.setColor(TEXT);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 64));
                String median = Medians.text(h);
                g.drawString(median, WIDTH - 64 - g.getFontMetrics().stringWidth(median), y + 20);
                if (h.getTotalCount() > 0) {
                    int x0 = 64;
                    int span = 640;
                    int p50 = x0 + (int) (span * h.getValueAtPercentile(50) / (double) slowest);
                    int p99 = x0 + (int) (span * h.getValueAtPercentile(99) / (double) slowest);
                    g.setColor(color.darker());
                    g.setStroke(new BasicStroke(10, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    g.drawLine(x0, y + 30, Math.max(x0 + 2, p99), y + 30);
                    g.setColor(color);
                    g.fillOval(p50 - 12, y + 18, 24, 24);
                }
                y += 120;
            }
            g.setColor(MUTED);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 22));
            g.drawString("bar: up to the 99th percentile · dot: median", 64, HEIGHT - 36);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
