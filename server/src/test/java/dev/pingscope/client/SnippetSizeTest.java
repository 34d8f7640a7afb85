package dev.pingscope.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** pingscope.js stays small enough to embed anywhere: at most 8 KB gzipped, comments included. */
class SnippetSizeTest {
    static final int LIMIT_BYTES = 8 * 1024;

    /** Gzip at the default level (6), what servers and CDNs typically use on the fly. */
    static int gzippedSize(String resource) throws IOException {
        try (InputStream in = SnippetSizeTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " on the classpath (the web module)");
            byte[] raw = in.readAllBytes();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(raw);
            }
            System.out.printf("%s: %d bytes, %d gzipped%n", resource, raw.length, out.size());
            return out.size();
        }
    }

    @Test
    void pingscope_js_is_at_most_8_kb_gzipped() throws IOException {
        int size = gzippedSize("/public/pingscope.js");
        assertTrue(size <= LIMIT_BYTES, "pingscope.js is " + size + " bytes gzipped, above " + LIMIT_BYTES);
    }

    @Test
    void the_module_wrapper_adds_little() throws IOException {
        int size = gzippedSize("/public/pingscope.mjs");
        assertTrue(size <= 1024, "pingscope.mjs is " + size + " bytes gzipped");
    }
}
