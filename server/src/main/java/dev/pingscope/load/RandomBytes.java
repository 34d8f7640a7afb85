package dev.pingscope.load;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The bytes every download sends: one buffer of random (so incompressible) bytes, filled once at start and
 * never written again. Each download takes a {@link #view()} of it and writes it again and again, so no
 * chunk costs an allocation or a copy in Java.
 */
final class RandomBytes {
    /** 1 MiB: large enough that a fast download needs few writes, small enough to stay in the CPU caches' reach. */
    static final int SIZE = 1 << 20;

    private static final ByteBuffer BYTES = fill();

    private RandomBytes() {}

    private static ByteBuffer fill() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);
        SplittableRandom random = new SplittableRandom();
        while (buffer.hasRemaining()) {
            buffer.putLong(random.nextLong());
        }
        buffer.flip();
        return buffer.asReadOnlyBuffer();
    }

    /** A view of the shared bytes with a position and limit of its own, for one download (not for several threads). */
    static ByteBuffer view() {
        return BYTES.duplicate();
    }
}
