package dev.pingscope.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Source;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interval histograms appended to one log per series, read back as totals after a restart. */
class HistogramStoreTest {
    private static final SiteSeries HEAD = new SiteSeries(ProbeKind.HTTP_HEAD, Source.BROWSER, Site.DIRECT, Load.IDLE);
    private static final SiteSeries PING = new SiteSeries(ProbeKind.WS_PING, Source.SERVER, Site.NONE, Load.IDLE);
    private static final long T0 = 1_764_000_000_000L; // an absolute wall-clock time in ms, as the reporter gives

    @TempDir
    Path dir;

    private static Histogram of(long... micros) {
        Histogram h = RttRecorders.newHistogram();
        for (long v : micros) {
            h.recordValue(v);
        }
        return h;
    }

    private static Histogram sum(Histogram... parts) {
        Histogram total = RttRecorders.newHistogram();
        for (Histogram part : parts) {
            total.add(part);
        }
        return total;
    }

    @Test
    void the_totals_restored_are_the_sum_of_every_interval_appended() throws Exception {
        Histogram first = of(900, 4_000, 4_000, 250_000);
        Histogram second = of(12_000, 60_000_000);
        Histogram ping = of(1_100);
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, first.copy(), T0, T0 + 10_000);
            store.append(HEAD, second.copy(), T0 + 10_000, T0 + 20_000);
            store.append(PING, ping.copy(), T0, T0 + 10_000);
        }
        SiteSeries echo = new SiteSeries(ProbeKind.WS_ECHO, Source.BROWSER, Site.DIRECT, Load.IDLE);
        Map<SiteSeries, Histogram> totals = HistogramStore.open(dir).restore(List.of(HEAD, PING, echo));
        assertEquals(sum(first, second), totals.get(HEAD));
        assertEquals(6, totals.get(HEAD).getTotalCount());
        assertEquals(ping, totals.get(PING));
        assertFalse(totals.containsKey(echo), "a series that never logged is absent, not empty");
    }

    @Test
    void each_interval_is_on_disk_as_soon_as_it_is_appended() throws Exception {
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(5_000), T0, T0 + 10_000);
            // Not closed: a crash now must not lose the interval.
            assertEquals(of(5_000), HistogramStore.open(dir).restore(List.of(HEAD)).get(HEAD));
        }
    }

    @Test
    void a_restarted_server_appends_to_the_same_log_and_totals_continue() throws Exception {
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(1_000), T0, T0 + 10_000);
        }
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(2_000, 3_000), T0 + 60_000, T0 + 70_000);
        }
        assertEquals(of(1_000, 2_000, 3_000), HistogramStore.open(dir).restore(List.of(HEAD)).get(HEAD));
        String log = Files.readString(fileOf(HEAD), StandardCharsets.US_ASCII);
        assertEquals(1, log.lines().filter(l -> l.startsWith("#[Histogram log format version")).count(),
                "the header is written once, when the file is new:\n" + log);
    }

    @Test
    void a_line_cut_short_by_a_crash_ends_the_restore_with_what_came_before_it() throws Exception {
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(1_000), T0, T0 + 10_000);
            store.append(HEAD, of(2_000, 3_000), T0 + 10_000, T0 + 20_000);
        }
        Path file = fileOf(HEAD);
        String log = Files.readString(file, StandardCharsets.US_ASCII);
        int lastLine = log.lastIndexOf('\n', log.length() - 2) + 1;
        // The last interval, cut in the middle of its base64 histogram.
        Files.writeString(file, log.substring(0, lastLine + (log.length() - lastLine) / 2), StandardCharsets.US_ASCII);

        String warning = stderrOf(() -> assertEquals(of(1_000), HistogramStore.open(dir).restore(List.of(HEAD)).get(HEAD)));
        assertTrue(warning.contains(file.toString()) && warning.contains("damaged"), warning);
    }

    @Test
    void a_garbled_line_keeps_the_intervals_before_it_and_drops_the_rest_of_that_file_only() throws Exception {
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(1_000), T0, T0 + 10_000);
            store.append(PING, of(700), T0, T0 + 10_000);
        }
        Files.writeString(fileOf(HEAD), "1764000010.000,10.000,4.000,not-a-histogram\n", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);
        Map<SiteSeries, Histogram> totals = new java.util.HashMap<>();
        String warning = stderrOf(() -> totals.putAll(HistogramStore.open(dir).restore(List.of(HEAD, PING))));
        assertEquals(of(1_000), totals.get(HEAD));
        assertEquals(of(700), totals.get(PING), "another series' log is restored in full");
        assertTrue(warning.contains(fileOf(HEAD).toString()), warning);
    }

    @Test
    void an_empty_log_restores_as_an_empty_total_and_gets_its_header_on_the_next_append() throws Exception {
        Files.createFile(fileOf(HEAD));
        assertEquals(0, HistogramStore.open(dir).restore(List.of(HEAD)).get(HEAD).getTotalCount());
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(HEAD, of(4_000), T0, T0 + 10_000);
        }
        assertTrue(Files.readString(fileOf(HEAD)).startsWith("#[Histogram log format version"));
        assertEquals(of(4_000), HistogramStore.open(dir).restore(List.of(HEAD)).get(HEAD));
    }

    @Test
    void a_site_origin_becomes_a_safe_file_name_and_each_series_has_its_own_log() throws Exception {
        SiteSeries shop = new SiteSeries(ProbeKind.HTTP_HEAD, Source.BROWSER, new Site(3, "https://shop.example:8443"), Load.IDLE);
        Path file = HistogramStore.open(dir).fileOf(shop);
        assertEquals("http_head.browser.https_shop.example_8443.hlog", file.getFileName().toString());
        assertEquals(dir, file.getParent());
        try (HistogramStore store = HistogramStore.open(dir)) {
            store.append(shop, of(1_000), T0, T0 + 10_000);
            store.append(HEAD, of(2_000), T0, T0 + 10_000);
        }
        Map<SiteSeries, Histogram> totals = HistogramStore.open(dir).restore(List.of(shop, HEAD));
        assertEquals(of(1_000), totals.get(shop));
        assertEquals(of(2_000), totals.get(HEAD));
    }

    @Test
    void opening_creates_missing_directories_and_refuses_a_path_that_cannot_be_one() throws Exception {
        Path nested = dir.resolve("a/b/c");
        HistogramStore.open(nested).close();
        assertTrue(Files.isDirectory(nested));
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistogramStore.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private Path fileOf(SiteSeries s) {
        return HistogramStore.open(dir).fileOf(s);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** What the action writes to System.err (the store warns there). */
    private static String stderrOf(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
