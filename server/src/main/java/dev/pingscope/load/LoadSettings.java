package dev.pingscope.load;

import dev.pingscope.config.Check;

/**
 * The load endpoints (/load/download, /load/upload, /.well-known/nq; docs/load.md): whether they are served,
 * and how much bandwidth a client may take.
 *
 * @param enabled       serve them; false: they answer 404 (--load-endpoints)
 * @param maxBytes      the largest download and upload body, bytes; also the size of a download that names none (--load-max-bytes)
 * @param maxStreams    most concurrent load streams on this instance (more: 503) (--load-max-streams)
 * @param maxPerAddress most concurrent load streams from one client address (more: 429) (--load-max-per-address)
 * @param smallBytesPerSecond the byte budget per client address of requests of at most 64 KiB, which take no stream
 *                      slot (more: 429); a burst of two seconds' worth (--load-small-rate)
 * @param unsentLimitBytes TCP_NOTSENT_LOWAT of each download stream's connection, so that the server's own
 *                      socket buffer does not hold seconds of data the network queue would otherwise show; 0 leaves
 *                      the kernel's default (--load-unsent-limit)
 */
public record LoadSettings(boolean enabled, long maxBytes, int maxStreams, int maxPerAddress, long smallBytesPerSecond,
        int unsentLimitBytes) {
    public LoadSettings {
        Check.range("--load-max-bytes", maxBytes, 1L << 20, 1L << 50);
        Check.range("--load-max-streams", maxStreams, 1, 100_000);
        Check.range("--load-max-per-address", maxPerAddress, 1, 100_000);
        Check.range("--load-small-rate", smallBytesPerSecond, 64 << 10, 1L << 40);
        Check.range("--load-unsent-limit", unsentLimitBytes, 0, 1 << 30);
    }

    /**
     * 8 GiB meets the draft's "at least 8GB" large object; 16 streams each way for one client; 1 MiB/s of small
     * requests is ten times the draft's 1-byte probes at their 100/s maximum; 64 KiB unsent is the draft's 5 ms
     * of sender buffer at 100 Mbit/s (§6.1.1), and less than a millisecond's worth at 1 Gbit/s.
     */
    public static LoadSettings defaults() {
        return new LoadSettings(true, 8L << 30, 256, 32, 1 << 20, 64 << 10);
    }

    /** The burst of small requests: two seconds' worth. */
    public long smallBurstBytes() {
        return 2 * smallBytesPerSecond;
    }
}
