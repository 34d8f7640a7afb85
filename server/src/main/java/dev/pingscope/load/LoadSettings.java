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
 */
public record LoadSettings(boolean enabled, long maxBytes, int maxStreams, int maxPerAddress) {
    public LoadSettings {
        Check.range("--load-max-bytes", maxBytes, 1L << 20, 1L << 50);
        Check.range("--load-max-streams", maxStreams, 1, 100_000);
        Check.range("--load-max-per-address", maxPerAddress, 1, 100_000);
    }

    /** 8 GiB meets the draft's "at least 8GB" large object; 16 streams each way for one client. */
    public static LoadSettings defaults() {
        return new LoadSettings(true, 8L << 30, 256, 32);
    }
}
