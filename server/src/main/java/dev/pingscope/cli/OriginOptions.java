package dev.pingscope.cli;

import dev.pingscope.http.OriginSettings;
import dev.pingscope.sample.Sites;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which pages may probe and report: {@link OriginSettings}. */
final class OriginOptions {
    @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins (https://example.com) whose pages may probe and report; * allows any.%n  env PINGSCOPE_ALLOWED_ORIGINS, default ${DEFAULT-VALUE}")
    List<String> allowedOrigins;

    @Option(names = "--sites", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins of pages that embed pingscope, each given its own site label in /metrics"
                    + " (at most " + Sites.MAX_LISTED + "). Samples from pages on other origins count as site other, from"
                    + " pingscope's own page as direct.%n  env PINGSCOPE_SITES, default: none")
    List<String> sites;

    OriginSettings settings() {
        return new OriginSettings(allowedOrigins, sites == null ? List.of() : sites);
    }

    static void putDefaults(Map<String, String> values) {
        values.put("--allowed-origins", String.join(",", OriginSettings.defaults().allowedOrigins()));
    }
}
