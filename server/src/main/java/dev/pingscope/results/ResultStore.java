package dev.pingscope.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The saved results on JDBC: SQLite (a file, WAL journal, every commit synced before it is acknowledged) or
 * PostgreSQL (shared by instances), through a HikariCP pool and Flyway's migrations
 * ({@code db/migration}: one set, written in SQL that both run; a dialect folder can join it when they differ). Every statement is a single
 * auto-committed one, but for saves, which {@link SaveBatcher} commits in groups. A database that cannot
 * be reached throws {@link StorageUnavailable} within about two seconds; the schema is migrated at the
 * first use that reaches it, so a server can start while its database is down.
 */
final class ResultStore implements AutoCloseable {
    private static final String COLUMNS =
            "id, created_at, instance, site, browser, source, settings, probes, delete_hash, client_address, reference";

    private final HikariDataSource pool;
    private static final String MIGRATIONS = "classpath:db/migration";
    private volatile boolean migrated;

    /** The outcome of a delete. */
    enum Deleted { DELETED, WRONG_TOKEN, NOT_FOUND }

    /** One page of a listing, newest first; next is null on the last page. */
    record Page(List<StoredResult> results, Cursor next) {}

    /** Where a listing goes on: after this result, in newest-first order. */
    record Cursor(long createdAtMillis, String id) {}

    ResultStore(ResultsSettings settings, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("pingscope-results");
        c.setJdbcUrl(settings.jdbcUrl());
        c.setUsername(settings.user());
        c.setPassword(settings.password());
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(2_000);
        c.setValidationTimeout(1_000);
        c.setInitializationFailTimeout(-1); // start without the database; saving answers 503 until it is back
        if (settings.isSqlite()) {
            createParent(settings.jdbcUrl());
            c.addDataSourceProperty("journal_mode", "WAL");
            // FULL: the WAL is synced at every commit, so an acknowledged save survives a crash of the
            // process and of the machine; NORMAL would only survive the process.
            c.addDataSourceProperty("synchronous", "FULL");
            c.addDataSourceProperty("busy_timeout", "10000");
        } else {
            c.addDataSourceProperty("connectTimeout", "2");
            c.addDataSourceProperty("socketTimeout", "30");
            c.addDataSourceProperty("ApplicationName", "pingscope");
        }
        this.pool = new HikariDataSource(c);
    }

    private static void createParent(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query < 0 ? file : file.substring(0, query);
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Brings the schema up to date (once); throws StorageUnavailable when the database cannot be reached. */
    void migrate() {
        if (migrated) {
            return;
        }
        synchronized (this) {
            if (migrated) {
                return;
            }
            try {
                Flyway.configure().dataSource(pool).locations(MIGRATIONS).load().migrate();
            } catch (RuntimeException e) {
                throw new StorageUnavailable("cannot migrate the results database: " + e.getMessage(), e);
            }
            migrated = true;
        }
    }

    private Connection connection() throws SQLException {
        migrate();
        return pool.getConnection();
    }

    /** The pool every statement, saves included, runs through (tests read its connections' settings). */
    DataSource pool() {
        return pool;
    }

    /** Stores the results in one transaction: all or none. */
    void insertAll(List<StoredResult> results) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO results (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (StoredResult r : results) {
                    s.setString(1, r.id());
                    s.setLong(2, r.createdAt().toEpochMilli());
                    s.setString(3, r.instance());
                    s.setString(4, r.site());
                    s.setString(5, r.browser());
                    s.setString(6, r.source());
                    s.setString(7, r.settings().toString());
                    s.setString(8, ResultJson.probesColumn(r.probes()));
                    s.setString(9, r.deleteHash());
                    s.setString(10, r.clientAddress());
                    s.setString(11, r.reference() == null ? null : r.reference().json().toString());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("save", e);
        }
    }

    Optional<StoredResult> find(String id) {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM results WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    Deleted delete(String id, String token) {
        try (Connection c = connection()) {
            String hash;
            try (PreparedStatement s = c.prepareStatement("SELECT delete_hash FROM results WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rows = s.executeQuery()) {
                    if (!rows.next()) {
                        return Deleted.NOT_FOUND;
                    }
                    hash = rows.getString(1);
                }
            }
            if (!DeleteToken.matches(token, hash)) {
                return Deleted.WRONG_TOKEN;
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM results WHERE id = ? AND delete_hash = ?")) {
                s.setString(1, id);
                s.setString(2, hash);
                return s.executeUpdate() == 1 ? Deleted.DELETED : Deleted.NOT_FOUND;
            }
        } catch (SQLException e) {
            throw unavailable("delete", e);
        }
    }

    /** Newest first, at most limit, after the cursor (null: from the newest). */
    Page list(ResultFilter filter, Cursor after, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM results WHERE 1 = 1");
        where(filter, sql, args);
        if (after != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(after.createdAtMillis());
            args.add(after.createdAtMillis());
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        List<StoredResult> found = new ArrayList<>();
        query(sql.toString(), args, found::add);
        if (found.size() <= limit) {
            return new Page(found, null);
        }
        StoredResult last = found.get(limit - 1);
        return new Page(found.subList(0, limit), new Cursor(last.createdAt().toEpochMilli(), last.id()));
    }

    /** Every result the filter covers, oldest first, one at a time. */
    void forEach(ResultFilter filter, Consumer<StoredResult> each) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM results WHERE 1 = 1");
        where(filter, sql, args);
        sql.append(" ORDER BY created_at, id");
        query(sql.toString(), args, each);
    }

    /** Deletes results saved before the cutoff; returns how many. */
    int purgeBefore(Instant cutoff) {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("DELETE FROM results WHERE created_at < ?")) {
            s.setLong(1, cutoff.toEpochMilli());
            return s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("purge", e);
        }
    }

    private static void where(ResultFilter f, StringBuilder sql, List<Object> args) {
        if (f.site() != null) {
            sql.append(" AND site = ?");
            args.add(f.site());
        }
        if (f.from() != null) {
            sql.append(" AND created_at >= ?");
            args.add(f.from().toEpochMilli());
        }
        if (f.to() != null) {
            sql.append(" AND created_at < ?");
            args.add(f.to().toEpochMilli());
        }
    }

    private void query(String sql, List<Object> args, Consumer<StoredResult> each) {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            s.setFetchSize(200);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    each.accept(row(rows));
                }
            }
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    private static StoredResult row(ResultSet rows) throws SQLException {
        ObjectNode settings;
        try {
            settings = (ObjectNode) ResultJson.JSON.readTree(rows.getString("settings"));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored settings are not JSON", e);
        }
        return new StoredResult(rows.getString("id"), Instant.ofEpochMilli(rows.getLong("created_at")),
                rows.getString("instance"), rows.getString("site"), rows.getString("browser"), rows.getString("source"),
                settings, ResultJson.readProbes(rows.getString("probes")), SavedReference.read(rows.getString("reference")),
                rows.getString("client_address"),
                rows.getString("delete_hash"));
    }

    private static StorageUnavailable unavailable(String what, SQLException e) {
        return new StorageUnavailable("cannot " + what + " results: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
