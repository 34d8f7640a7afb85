package dev.pingscope.cli;

import dev.pingscope.servers.RegionSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** This instance's region and the servers it lists: {@link RegionSettings}. */
final class RegionOptions {
    @Option(names = "--region", paramLabel = "NAME",
            description = "This instance's region (1 to 32 letters, digits or . _ -): the region label of its metrics, and in"
                    + " /api/stats and /api/servers."
                    + "%n  env PINGSCOPE_REGION, default ${DEFAULT-VALUE}")
    String region;

    @Option(names = "--servers", paramLabel = "FILE",
            description = "JSON file listing pingscope servers, [{\"name\": ..., \"region\": ..., \"url\": ...}] (at most "
                    + RegionSettings.MAX_SERVERS + "), checked at start and served at /api/servers so that pages can pick"
                    + " the nearest or compare regions.%n  env PINGSCOPE_SERVERS, default: none (an empty list)")
    Path servers;

    RegionSettings settings() {
        return RegionSettings.read(region == null ? null : region.trim(), servers);
    }

    static void putDefaults(Map<String, String> values) {
        values.put("--region", RegionSettings.defaults().region());
    }
}
