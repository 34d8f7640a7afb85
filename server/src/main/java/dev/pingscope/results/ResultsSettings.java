package dev.pingscope.results;

import dev.pingscope.config.Check;
import dev.pingscope.config.DurationText;
import dev.pingscope.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Saved results (docs/results.md): where they are stored, for how long, and who may save how much.
 *
 * @param enabled        false: no storage at all, and the results endpoints answer 404 (--results)
 * @param dataDir        where the default SQLite database (results.db) lives, created at start (--data-dir)
 * @param databaseUrl    a jdbc:sqlite: or jdbc:postgresql: URL, or null for results.db in dataDir (--database-url)
 * @param user           the database user, or null (--database-user)
 * @param password       the database password (PINGSCOPE_DATABASE_PASSWORD only), or null
 * @param retention      results older than this are deleted by the hourly purge (--results-retention)
 * @param savesPerMinute saves one client address may make per minute (more: 429) (--results-rate)
 * @param maxBodyBytes   largest save request body (--results-max-body)
 * @param clientAddress  "none" (nothing kept) or "truncated" (/24 of IPv4, /48 of IPv6) (--results-client-address)
 * @param adminToken     bearer token for the operators' endpoints, or null: then they are served nowhere (--admin-token)
 */
public record ResultsSettings(
        boolean enabled,
        Path dataDir,
        String databaseUrl,
        String user,
        String password,
        Duration retention,
        int savesPerMinute,
        int maxBodyBytes,
        String clientAddress,
        String adminToken) {

    public ResultsSettings {
        if (dataDir == null) {
            throw new InvalidConfigException("--data-dir", "must be set");
        }
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new InvalidConfigException("--data-dir", dataDir + " is not a directory");
        }
        databaseUrl = Check.blankToNull(databaseUrl);
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:sqlite:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidConfigException("--database-url", "'" + databaseUrl + "' must start with jdbc:sqlite: or jdbc:postgresql:");
        }
        user = Check.blankToNull(user);
        password = Check.blankToNull(password);
        Check.range("--results-retention", retention, Duration.ofHours(1), Duration.ofDays(36_500));
        Check.range("--results-rate", savesPerMinute, 1, 1_000_000);
        Check.range("--results-max-body", maxBodyBytes, 1024, 16 << 20);
        clientAddress = clientAddress == null ? null : clientAddress.trim();
        if (!"none".equals(clientAddress) && !"truncated".equals(clientAddress)) {
            throw new InvalidConfigException("--results-client-address", "'" + clientAddress + "' is not none or truncated");
        }
        adminToken = Check.blankToNull(adminToken);
        if (adminToken != null && adminToken.length() < 16) {
            throw new InvalidConfigException("--admin-token", "must be at least 16 characters (it guards every saved result)");
        }
    }

    public static ResultsSettings defaults() {
        return new ResultsSettings(true, Path.of("pingscope-data"), null, null, null, Duration.ofDays(90), 10, 262_144,
                "none", null);
    }

    /** The database's JDBC URL: --database-url, or the SQLite file results.db in --data-dir. */
    public String jdbcUrl() {
        return databaseUrl != null ? databaseUrl : "jdbc:sqlite:" + dataDir.resolve("results.db");
    }

    public boolean isSqlite() {
        return jdbcUrl().startsWith("jdbc:sqlite:");
    }

    /** Whether each result keeps the client's /24 (IPv4) or /48 (IPv6). */
    public boolean truncatedAddress() {
        return "truncated".equals(clientAddress);
    }

    /** Never prints the password or the admin token. */
    @Override
    public String toString() {
        return "ResultsSettings[enabled=" + enabled + ", dataDir=" + dataDir + ", databaseUrl=" + jdbcUrl() + ", user=" + user
                + ", retention=" + DurationText.format(retention) + ", savesPerMinute=" + savesPerMinute + ", maxBodyBytes="
                + maxBodyBytes + ", clientAddress=" + clientAddress + ", adminToken=" + (adminToken == null ? "none" : "set") + "]";
    }
}
