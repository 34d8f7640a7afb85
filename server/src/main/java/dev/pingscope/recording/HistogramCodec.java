package dev.pingscope.recording;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;

/**
 * HdrHistogram's compressed binary form, in base64: what /api/stats publishes so that instances can be merged.
 *
 * <p>An instance keeps its buffers and its zlib stream from one encoding to the next: the reporter encodes
 * every series twice an interval, and HdrHistogram's own {@code encodeIntoCompressedByteBuffer} allocates a
 * buffer of the histogram's full size (157 KB here) and a new {@link Deflater} each time: 11.7 MB for the
 * 74 histograms of an interval, about 40 % of the server's allocation while it held 10,000 WebSockets at a
 * 1 s interval, and so a large part of how often young collections stopped every visitor's round trip.
 * Not thread-safe: one owner.
 */
public final class HistogramCodec implements AutoCloseable {
    /** HdrHistogram's V2 compressed-encoding cookie with its 8-byte word size flag (AbstractHistogram). */
    private static final int COMPRESSED_ENCODING_COOKIE = 0x1c849304 | 0x10;

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private ByteBuffer uncompressed = ByteBuffer.allocate(0);
    private byte[] compressed = new byte[0];

    /** Encodes with a codec of its own: for callers that encode now and then, off the reporter. */
    public static String encode(Histogram histogram) {
        try (HistogramCodec codec = new HistogramCodec()) {
            return codec.encodeCompressed(histogram);
        }
    }

    /** The same bytes as {@code histogram.encodeIntoCompressedByteBuffer}, in base64, reusing this codec's buffers. */
    public String encodeCompressed(Histogram histogram) {
        int needed = histogram.getNeededByteBufferCapacity();
        if (uncompressed.capacity() < needed) {
            uncompressed = ByteBuffer.allocate(needed);
            compressed = new byte[8 + needed + 64]; // deflate's worst case adds a few bytes per 16 KB
        }
        uncompressed.clear();
        int length = histogram.encodeIntoByteBuffer(uncompressed);
        deflater.reset();
        deflater.setInput(uncompressed.array(), 0, length);
        deflater.finish();
        int written = 8;
        while (!deflater.finished()) {
            if (written == compressed.length) {
                compressed = Arrays.copyOf(compressed, compressed.length * 2);
            }
            written += deflater.deflate(compressed, written, compressed.length - written);
        }
        ByteBuffer header = ByteBuffer.wrap(compressed, 0, 8);
        header.putInt(COMPRESSED_ENCODING_COOKIE).putInt(written - 8);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(compressed, written));
    }

    /**
     * Reads a histogram written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the text is not a compressed histogram in base64
     */
    public static Histogram decode(String base64) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64));
            return Histogram.decodeFromCompressedByteBuffer(buffer, RttRecorders.LOWEST_MICROS);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram in base64: " + e.getMessage(), e);
        }
    }

    /** Frees the zlib stream's native memory. */
    @Override
    public void close() {
        deflater.end();
    }
}
