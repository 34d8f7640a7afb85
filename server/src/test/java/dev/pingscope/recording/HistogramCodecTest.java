package dev.pingscope.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The reusing codec must write exactly what HdrHistogram writes, whatever it encoded before. */
class HistogramCodecTest {
    @Test
    void a_reused_codec_writes_hdrhistograms_own_bytes_in_any_order() {
        Random random = new Random(7);
        Histogram empty = RttRecorders.newHistogram();
        Histogram one = RttRecorders.newHistogram();
        one.recordValue(1_234);
        Histogram wide = RttRecorders.newHistogram();
        for (int i = 0; i < 200_000; i++) {
            wide.recordValue(1 + (long) (random.nextDouble() * RttRecorders.HIGHEST_MICROS)); // every bucket range
        }
        Histogram edges = RttRecorders.newHistogram();
        edges.recordValue(RttRecorders.LOWEST_MICROS);
        edges.recordValue(RttRecorders.HIGHEST_MICROS);
        try (HistogramCodec codec = new HistogramCodec()) {
            // Large after small and small after large: nothing of one encoding may leak into the next.
            for (Histogram h : new Histogram[] {empty, one, wide, empty, edges, one, wide}) {
                String ours = codec.encodeCompressed(h);
                assertArrayEquals(hdrHistogramsOwn(h), Base64.getDecoder().decode(ours));
                assertEquals(h, HistogramCodec.decode(ours));
            }
        }
    }

    private static byte[] hdrHistogramsOwn(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), length);
    }
}
