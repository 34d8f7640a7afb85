package dev.pingscope.results;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The saved results' part of the configuration, already checked by the server's configuration (which names
 * the option of a bad value).
 *
 * @param jdbcUrl          jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB
 * @param user             database user, or null
 * @param password         database password, or null
 * @param dataDir          created at start when the database is a SQLite file (it lives there by default)
 * @param retention        results older than this are purged
 * @param savesPerMinute   saves per client address per minute
 * @param maxBodyBytes     largest save body
 * @param truncatedAddress keep the client's /24 (IPv4) or /48 (IPv6) with each result; false: nothing
 * @param adminToken       bearer token for the operators' endpoints on the main port, or null
 * @param instance         this instance's name, stored with each result
 */
public record ResultsSettings(
        String jdbcUrl,
        String user,
        String password,
        Path dataDir,
        Duration retention,
        int savesPerMinute,
        int maxBodyBytes,
        boolean truncatedAddress,
        String adminToken,
        String instance) {

    public boolean isSqlite() {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    /** Never prints the password or the token. */
    @Override
    public String toString() {
        return "ResultsSettings[" + jdbcUrl + ", user " + user + "]";
    }
}
