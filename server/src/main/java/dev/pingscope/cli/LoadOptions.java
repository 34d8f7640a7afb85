package dev.pingscope.cli;

import dev.pingscope.load.LoadSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** The load endpoints' options: {@link LoadSettings}. */
final class LoadOptions {
    @Option(names = "--load-endpoints", arity = "1", paramLabel = "true|false",
            description = "Serve the load endpoints (/load/download, /load/upload, /.well-known/nq) for latency under load; false: they answer 404.%n  env PINGSCOPE_LOAD_ENDPOINTS, default ${DEFAULT-VALUE}")
    boolean loadEndpoints;

    @Option(names = "--load-max-bytes", paramLabel = "BYTES",
            description = "Largest download or upload body (1 MiB to 1 PiB), and the size of a download that names none.%n  env PINGSCOPE_LOAD_MAX_BYTES, default ${DEFAULT-VALUE}")
    long loadMaxBytes;

    @Option(names = "--load-max-streams", paramLabel = "N",
            description = "Most concurrent load streams on this instance; more are refused with 503.%n  env PINGSCOPE_LOAD_MAX_STREAMS, default ${DEFAULT-VALUE}")
    int loadMaxStreams;

    @Option(names = "--load-max-per-address", paramLabel = "N",
            description = "Most concurrent load streams from one client address; more are refused with 429.%n  env PINGSCOPE_LOAD_MAX_PER_ADDRESS, default ${DEFAULT-VALUE}")
    int loadMaxPerAddress;

    @Option(names = "--load-small-rate", paramLabel = "BYTES_PER_SECOND",
            description = "Bytes a second one client address may take in load requests of at most 64 KiB, which hold no stream"
                    + " (a burst of two seconds' worth); more get 429.%n  env PINGSCOPE_LOAD_SMALL_RATE, default ${DEFAULT-VALUE}")
    long loadSmallRate;

    @Option(names = "--load-unsent-limit", paramLabel = "BYTES",
            description = "TCP_NOTSENT_LOWAT of each download stream's connection (Linux): how much the server's own socket"
                    + " buffer may hold unsent, as the responsiveness draft asks; 0 leaves the kernel's default.%n"
                    + "  env PINGSCOPE_LOAD_UNSENT_LIMIT, default ${DEFAULT-VALUE}")
    int loadUnsentLimit;

    LoadSettings settings() {
        return new LoadSettings(loadEndpoints, loadMaxBytes, loadMaxStreams, loadMaxPerAddress, loadSmallRate, loadUnsentLimit);
    }

    static void putDefaults(Map<String, String> values) {
        LoadSettings d = LoadSettings.defaults();
        values.put("--load-endpoints", Boolean.toString(d.enabled()));
        values.put("--load-max-bytes", Long.toString(d.maxBytes()));
        values.put("--load-max-streams", Integer.toString(d.maxStreams()));
        values.put("--load-max-per-address", Integer.toString(d.maxPerAddress()));
        values.put("--load-small-rate", Long.toString(d.smallBytesPerSecond()));
        values.put("--load-unsent-limit", Integer.toString(d.unsentLimitBytes()));
    }
}
