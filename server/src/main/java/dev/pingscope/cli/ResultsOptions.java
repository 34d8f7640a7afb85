package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import dev.pingscope.results.ResultsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Saved results' options: {@link ResultsSettings}. The database password comes from the environment only. */
final class ResultsOptions {
    @Option(names = "--results", arity = "0..1", fallbackValue = "true", paramLabel = "BOOLEAN",
            description = "Keep saved results (POST /api/results, the /r/ID share pages); false: store nothing, those endpoints answer 404.%n  env PINGSCOPE_RESULTS, default ${DEFAULT-VALUE}")
    boolean results;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the default results database (results.db, SQLite), created if missing.%n  env PINGSCOPE_DATA_DIR, default ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "Where saved results are stored: jdbc:postgresql://HOST/DB (instances behind one balancer share it) or jdbc:sqlite:FILE;"
                    + " the password comes from PINGSCOPE_DATABASE_PASSWORD.%n  env PINGSCOPE_DATABASE_URL, default: results.db in --data-dir")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER",
            description = "Database user for --database-url.%n  env PINGSCOPE_DATABASE_USER, default: none")
    String databaseUser;

    @Option(names = "--results-retention", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Saved results older than this are deleted by an hourly purge (1h to 36500d).%n  env PINGSCOPE_RESULTS_RETENTION, default ${DEFAULT-VALUE}")
    Duration resultsRetention;

    @Option(names = "--results-rate", paramLabel = "PER_MINUTE",
            description = "Results one client address may save per minute; more get 429.%n  env PINGSCOPE_RESULTS_RATE, default ${DEFAULT-VALUE}")
    int resultsRate;

    @Option(names = "--results-max-body", paramLabel = "BYTES",
            description = "Largest save request body, in bytes (1024 to 16777216).%n  env PINGSCOPE_RESULTS_MAX_BODY, default ${DEFAULT-VALUE}")
    int resultsMaxBody;

    @Option(names = "--results-client-address", paramLabel = "none|truncated",
            description = "What a saved result keeps of the client's address: none, or truncated to /24 (IPv4) or /48 (IPv6).%n  env PINGSCOPE_RESULTS_CLIENT_ADDRESS, default ${DEFAULT-VALUE}")
    String resultsClientAddress;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Bearer token for the operators' GET /api/results and /api/results/merged, on --port and --admin-port alike"
                    + " (at least 16 characters); prefer the environment variable.%n  env PINGSCOPE_ADMIN_TOKEN, default: none (no port serves them)")
    String adminToken;

    ResultsSettings settings(Map<String, String> environment) {
        return new ResultsSettings(results, dataDir, databaseUrl, databaseUser, environment.get("PINGSCOPE_DATABASE_PASSWORD"),
                resultsRetention, resultsRate, resultsMaxBody, resultsClientAddress, adminToken);
    }

    static void putDefaults(Map<String, String> values) {
        ResultsSettings d = ResultsSettings.defaults();
        values.put("--results", Boolean.toString(d.enabled()));
        values.put("--data-dir", d.dataDir().toString());
        values.put("--results-retention", DurationText.format(d.retention()));
        values.put("--results-rate", Integer.toString(d.savesPerMinute()));
        values.put("--results-max-body", Integer.toString(d.maxBodyBytes()));
        values.put("--results-client-address", d.clientAddress());
    }
}
