package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.recording.RttRecorders;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Whatever a stored result holds (say, a row written by hand with SQL), the page and the CSV show it as text. */
class SharePageTest {
    private static final String HOSTILE = "\"><script>alert(1)</script><img src=x onerror='alert(2)'>&amp;";

    private static StoredResult hostile() {
        Histogram h = RttRecorders.newHistogram();
        h.recordValue(12_400);
        Map<String, KindResult> probes = new LinkedHashMap<>();
        probes.put("http_head", new KindResult(HOSTILE, new Condition(0, h), null));
        ObjectNode settings = ResultJson.JSON.createObjectNode().put("load", HOSTILE);
        return new StoredResult("AAAAAAAAAAAAAAAAAAAAAA", Instant.parse("2026-11-29T12:00:00Z"), HOSTILE, HOSTILE, HOSTILE,
                HOSTILE, settings, probes, null, null, "x");
    }

    @Test
    void every_value_on_the_page_is_escaped() {
        String html = SharePage.html(hostile(), "https://ping.example");
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("onerror='"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("&amp;amp;"), "an entity in the data stays text: " + html);
        assertEquals(1, html.split("<script", -1).length - 1, "the only script element is share.js");
        assertTrue(html.contains("<meta property=\"og:image\" content=\"https://ping.example/r/AAAAAAAAAAAAAAAAAAAAAA.png\">"));
    }

    @Test
    void csv_cells_with_commas_quotes_or_line_breaks_are_quoted() {
        assertEquals("\"a,b\"", ResultsAdmin.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ResultsAdmin.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", ResultsAdmin.cell("two\nlines"));
        assertEquals("plain", ResultsAdmin.cell("plain"));
        String csv = ResultsAdmin.csv(java.util.List.of(hostile()));
        assertEquals(2, csv.lines().count(), csv);
    }

    @Test
    void ids_are_22_characters_of_base64url_carrying_128_bits() {
        for (int i = 0; i < 1000; i++) {
            String id = ResultId.generate();
            assertEquals(22, id.length());
            assertTrue(ResultId.isWellFormed(id), id);
        }
        assertFalse(ResultId.isWellFormed("AAAAAAAAAAAAAAAAAAAAAB"), "low bits of the last character must be zero");
        assertFalse(ResultId.isWellFormed("AAAAAAAAAAAAAAAAAAAA/A"));
        assertEquals("203.0.113.0/24", TruncatedAddress.of("203.0.113.77"));
        assertEquals("2001:db8:1::/48", TruncatedAddress.of("2001:db8:1:2::5"));
        assertEquals(null, TruncatedAddress.of("example.com"));
        assertEquals("edge", BrowserFamily.of("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 Edg/130.0"));
        assertEquals("chrome", BrowserFamily.of("Mozilla/5.0 (X11; Linux) AppleWebKit/537.36 (KHTML) Chrome/130.0 Safari/537.36"));
        assertEquals("safari", BrowserFamily.of("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"));
    }
}
