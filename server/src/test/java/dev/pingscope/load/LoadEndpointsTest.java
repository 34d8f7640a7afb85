package dev.pingscope.load;

import dev.pingscope.TestConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The load endpoints of docs/load.md, and /.well-known/nq against the text of draft-ietf-ippm-responsiveness
 * (section "Responsiveness Test Server API" and "Well-Known Uniform Resource Identifier (URI) For Test
 * Server Discovery"), each requirement quoted where it is tested.
 */
class LoadEndpointsTest {

    @Test
    void the_well_known_document_is_the_drafts_configuration() throws Exception {
        try (TestServer ts = TestServer.start()) {
            HttpResponse<String> answer = ts.get("/.well-known/nq");
            assertEquals(200, answer.statusCode());
            // "The server SHALL specify the content-type of the resource at the well-known URI as application/json."
            assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
            JsonNode doc = TestServer.JSON.readTree(answer.body());
            // "The content of the "version" field SHALL be "1"." (the draft's sample writes the number 1)
            assertEquals(1, doc.get("version").asInt());
            assertTrue(doc.get("version").isInt(), "version is the number 1, as in the draft's sample");
            // "The content of the "large_download_url", "small_download_url", and "upload_url" SHALL all be
            // validly formatted "http" or "https" URLs." "All of the fields in the sample configuration are
            // required except "test_endpoint"."
            JsonNode urls = doc.get("urls");
            for (String field : List.of("small_download_url", "large_download_url", "upload_url")) {
                URI url = URI.create(urls.get(field).asText());
                assertEquals("http", url.getScheme(), field);
                assertEquals(ts.server.port(), url.getPort(), field + " points at this server, as the client reached it");
            }
        }
    }

    @Test
    void the_small_url_answers_200_with_one_byte_of_octets() throws Exception {
        try (TestServer ts = TestServer.start()) {
            URI small = URI.create(urlsOf(ts).get("small_download_url").asText());
            HttpResponse<byte[]> answer = ts.http.send(HttpRequest.newBuilder(small).build(), HttpResponse.BodyHandlers.ofByteArray());
            // "The server must respond with a status code of 200 and 1 byte in the body."
            assertEquals(200, answer.statusCode());
            assertEquals(1, answer.body().length);
            // "The server SHOULD specify the content-type as application/octet-stream."
            assertEquals("application/octet-stream", answer.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void a_runs_load_streams_report_their_kernel_rtt_to_the_same_client_only() throws Exception {
        try (TestServer ts = TestServer.start()) {
            String run = "testrun-" + Long.toHexString(System.nanoTime());
            HttpResponse<InputStream> stream = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/download?run=" + run)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = stream.body()) {
                body.readNBytes(4 << 20); // the stream runs: the kernel has RTT samples of its data
                HttpResponse<String> self = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/self?run=" + run)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, self.statusCode(), self.body());
                JsonNode answer = TestServer.JSON.readTree(self.body());
                assertEquals("tcp_info", answer.get("source").asText(), self.body());
                assertEquals(1, answer.get("streams").size(), self.body());
                JsonNode one = answer.get("streams").get(0);
                assertEquals("download", one.get("direction").asText());
                assertTrue(one.get("self_ms").asDouble() > 0 && one.get("self_ms").asDouble() < 100, self.body());
                assertEquals(one.get("rtt_ms").asDouble(), one.get("self_ms").asDouble(), "a download's self probe is the sender's RTT");
                HttpResponse<String> otherRun = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/self?run=another-run")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(0, TestServer.JSON.readTree(otherRun.body()).get("streams").size(), otherRun.body());
                // another client naming the same run sees nothing of it: the same empty answer, byte for byte
                try (RawHttp other = new RawHttp("127.0.0.2", ts.uri("").getPort())) {
                    RawHttp.Answer a = other.get("/load/self?run=" + run);
                    assertEquals(200, a.status());
                    assertEquals(otherRun.body().length(), a.bodyBytes(), "an empty list for another address");
                }
            }
            HttpResponse<String> bad = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/self?run=no")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("run must be 8 to 64 letters"), bad.body());
            assertEquals(400, ts.http.send(HttpRequest.newBuilder(ts.uri("/load/download?run=a%20b%20c%20d%20e")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            try (RawHttp raw = new RawHttp("127.0.0.1", ts.uri("").getPort())) {
                RawHttp.Answer closing = raw.get("/load/download?bytes=1&close=1");
                assertEquals("close", closing.headers().getOrDefault("connection", ""), "a foreign probe's connection ends with it");
            }
        }
    }

    @Test
    void the_large_url_offers_at_least_8_gb_and_streams_as_long_as_the_client_reads() throws Exception {
        try (TestServer ts = TestServer.start()) {
            URI large = URI.create(urlsOf(ts).get("large_download_url").asText());
            HttpResponse<InputStream> answer = ts.http.send(HttpRequest.newBuilder(large).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            // "The server must respond with a status code of 200 and a body size of at least 8GB."
            assertEquals(200, answer.statusCode());
            assertTrue(answer.headers().firstValueAsLong("Content-Length").orElse(0) >= 8_000_000_000L,
                    answer.headers().toString());
            assertEquals("application/octet-stream", answer.headers().firstValue("Content-Type").orElse(""));
            // "The client will probably never completely download the object, but will instead close the connection"
            try (InputStream body = answer.body()) {
                byte[] first = body.readNBytes(16 << 20);
                assertEquals(16 << 20, first.length, "16 MiB read, and more to come");
            }
            TestServer.await("the stream's slot is given back after the client closed", Duration.ofSeconds(5),
                    () -> ts.metric("pingscope_load_streams") == 0.0);
        }
    }

    @Test
    void the_upload_url_takes_a_body_of_any_size_and_discards_it() throws Exception {
        try (TestServer ts = TestServer.start()) {
            URI upload = URI.create(urlsOf(ts).get("upload_url").asText());
            // "The server must handle a POST request with an arbitrary body size. The server should discard the payload."
            long size = 48L << 20; // sent chunked: no Content-Length tells the server the size in advance
            HttpResponse<String> answer = ts.http.send(HttpRequest.newBuilder(upload)
                    .POST(chunkedBody(size)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(size, TestServer.JSON.readTree(answer.body()).get("bytes").asLong());
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
            HttpResponse<String> put = ts.http.send(HttpRequest.newBuilder(upload)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[12_345])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"bytes\":12345}", put.body());
        }
    }

    @Test
    void a_download_is_exactly_the_size_asked_for_incompressible_and_never_compressed() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int size = 3_000_001; // more than the 1 MiB buffer: several slices of it, and an odd end
            HttpResponse<byte[]> answer = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/download?bytes=" + size))
                    .header("Accept-Encoding", "gzip, br").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, answer.statusCode());
            assertEquals(size, answer.body().length);
            assertFalse(answer.headers().firstValue("Content-Encoding").isPresent(), answer.headers().toString());
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
            deflater.setInput(answer.body());
            deflater.finish();
            byte[] out = new byte[size + 1024];
            int compressed = deflater.deflate(out);
            deflater.end();
            assertTrue(compressed > size * 0.99, "deflate got " + size + " bytes down to " + compressed);
        }
    }

    @Test
    void sizes_outside_the_cap_are_refused_with_a_reason() throws Exception {
        TestConfig config = TestServer.testConfig().with("--load-max-bytes", 1 << 20).with("--load-max-streams", 10)
                .with("--load-max-per-address", 10);
        try (TestServer ts = TestServer.start(config)) {
            HttpResponse<String> tooLarge = ts.get("/load/download?bytes=" + ((1 << 20) + 1));
            assertEquals(400, tooLarge.statusCode());
            assertTrue(tooLarge.body().contains("--load-max-bytes"), tooLarge.body());
            assertEquals(400, ts.get("/load/download?bytes=-1").statusCode());
            assertEquals(400, ts.get("/load/download?bytes=lots").statusCode());
            HttpResponse<byte[]> capped = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/download")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(1 << 20, capped.body().length, "no bytes parameter: the cap");
            HttpResponse<String> body = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(1 << 20) + 1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, body.statusCode());
            HttpResponse<String> chunked = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/upload"))
                    .POST(chunkedBody(3 << 20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), "a chunked body is refused once it passes the cap");
        }
    }

    @Test
    void load_streams_are_capped_per_address_with_429_while_small_requests_go_on() throws Exception {
        TestConfig config = TestServer.testConfig().with("--load-max-streams", 100).with("--load-max-per-address", 2);
        try (TestServer ts = TestServer.start(config)) {
            List<InputStream> held = holdDownloads(ts, 2);
            HttpResponse<String> third = ts.get("/load/download");
            assertEquals(429, third.statusCode(), third.body());
            assertEquals(200, ts.get("/load/download?bytes=1").statusCode(), "the 1-byte probe is not a load stream");
            assertEquals(2.0, ts.metric("pingscope_load_streams"));
            held.get(0).close();
            TestServer.await("a slot is free again", Duration.ofSeconds(5), () -> ts.metric("pingscope_load_streams") == 1.0);
            holdDownloads(ts, 1).get(0).close();
            held.get(1).close();
        }
    }

    @Test
    void a_loop_of_small_downloads_from_one_address_is_limited_while_others_and_normal_probes_go_on() throws Exception {
        try (TestServer ts = TestServer.start()) {
            int port = ts.server.port();
            // One address (127.0.0.2: loopback answers all of 127/8) loops 64 KiB downloads on 8 connections at once.
            long started = System.nanoTime();
            ExecutorService loops = Executors.newFixedThreadPool(8);
            List<Future<SmallLoop>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(loops.submit(() -> SmallLoop.run("127.0.0.2", port, "/load/download?bytes=65536", 500)));
            }
            long served = 0;
            String retryAfter = null;
            for (Future<SmallLoop> f : results) {
                SmallLoop loop = f.get(60, TimeUnit.SECONDS);
                served += loop.bytesServed;
                retryAfter = retryAfter == null ? loop.retryAfter : retryAfter;
            }
            loops.shutdown();
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(retryAfter != null, "a loop of small downloads got 429 within 8 x 500 requests (" + served + " bytes served)");
            assertTrue(Long.parseLong(retryAfter) >= 1, "Retry-After: " + retryAfter);
            LoadSettings defaults = LoadSettings.defaults();
            long bound = defaults.smallBurstBytes() + (long) (defaults.smallBytesPerSecond() * seconds);
            assertTrue(served <= bound, served + " bytes served in " + seconds + " s; the budget allows " + bound);

            SmallLoop other = SmallLoop.run("127.0.0.3", port, "/load/download?bytes=65536", 1);
            assertEquals(null, other.retryAfter, "another address is not held back by the first");
            assertEquals(65536, other.bytesServed);

            // The draft's 1-byte object at 100 per second (its highest probe rate) for 3 s, on a connection of its own.
            try (RawHttp probes = new RawHttp("127.0.0.4", port)) {
                long start = System.nanoTime();
                for (int i = 0; i < 300; i++) {
                    java.util.concurrent.locks.LockSupport.parkNanos(start + i * 10_000_000L - System.nanoTime());
                    RawHttp.Answer a = probes.get("/load/download?bytes=1");
                    assertEquals(200, a.status(), "probe " + i + " at 100/s");
                }
            }
        }
    }

    @Test
    void load_streams_are_capped_per_instance_with_503() throws Exception {
        TestConfig config = TestServer.testConfig().with("--load-max-streams", 2).with("--load-max-per-address", 100);
        try (TestServer ts = TestServer.start(config)) {
            List<InputStream> held = holdDownloads(ts, 2);
            HttpResponse<String> third = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, third.statusCode(), third.body());
            for (InputStream in : held) {
                in.close();
            }
        }
    }

    @Test
    void the_endpoints_can_be_turned_off() throws Exception {
        TestConfig config = TestServer.testConfig().with("--load-endpoints", false);
        try (TestServer ts = TestServer.start(config)) {
            assertEquals(404, ts.get("/.well-known/nq").statusCode());
            assertEquals(404, ts.get("/load/download?bytes=1").statusCode());
            assertEquals(204, ts.send(HttpRequest.newBuilder(ts.uri("/ping")).method("HEAD", HttpRequest.BodyPublishers.noBody()))
                    .statusCode(), "the probes are untouched");
        }
    }

    private static JsonNode urlsOf(TestServer ts) throws Exception {
        return TestServer.JSON.readTree(ts.get("/.well-known/nq").body()).get("urls");
    }

    /** Opens large downloads that read nothing: each holds a load stream's slot until closed. */
    private static List<InputStream> holdDownloads(TestServer ts, int n) throws Exception {
        List<InputStream> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<InputStream> answer = ts.http.send(HttpRequest.newBuilder(ts.uri("/load/download")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, answer.statusCode());
            held.add(answer.body());
        }
        return held;
    }

    /** A request body of {@code size} random bytes, sent chunked: no Content-Length tells the server its size. */
    private static HttpRequest.BodyPublisher chunkedBody(long size) {
        byte[] chunk = new byte[64 * 1024];
        new Random(11).nextBytes(chunk);
        return HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(left, length), chunk.length);
                System.arraycopy(chunk, 0, into, offset, n);
                left -= n;
                return n;
            }
        });
    }

    /** A loop of GETs on one kept-alive connection until the first answer that is not 200. */
    private record SmallLoop(long bytesServed, String retryAfter) {
        static SmallLoop run(String from, int port, String path, int requests) throws Exception {
            long served = 0;
            try (RawHttp http = new RawHttp(from, port)) {
                for (int i = 0; i < requests; i++) {
                    RawHttp.Answer a = http.get(path);
                    if (a.status() != 200) {
                        assertEquals(429, a.status(), "refused with " + a.status());
                        return new SmallLoop(served, a.headers().getOrDefault("retry-after", "missing"));
                    }
                    served += a.bodyBytes();
                }
            }
            return new SmallLoop(served, null);
        }
    }

    /** HTTP/1.1 on one socket bound to a loopback address of the test's choosing (java.net.http cannot bind one). */
    private static final class RawHttp implements AutoCloseable {
        record Answer(int status, java.util.Map<String, String> headers, long bodyBytes) {}

        private final java.net.Socket socket = new java.net.Socket();
        private final InputStream in;
        private final java.io.OutputStream out;

        RawHttp(String from, int port) throws Exception {
            socket.bind(new java.net.InetSocketAddress(loopback(from), 0));
            socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** 127.0.0.N from its literal, without any name lookup. */
        private static java.net.InetAddress loopback(String literal) throws Exception {
            byte[] octets = new byte[4];
            String[] parts = literal.split("\\.", -1);
            for (int i = 0; i < 4; i++) {
                octets[i] = (byte) Integer.parseInt(parts[i]);
            }
            return java.net.InetAddress.getByAddress(octets);
        }

        Answer get(String path) throws Exception {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).trim());
            }
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            long skipped = 0;
            while (skipped < length) {
                long n = in.skip(length - skipped);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new java.io.EOFException("the body ended after " + skipped + " of " + length + " bytes");
                    }
                    n = 1;
                }
                skipped += n;
            }
            return new Answer(Integer.parseInt(status.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3)), headers, length);
        }

        private String line() throws Exception {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("the connection closed mid-answer: " + b);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
