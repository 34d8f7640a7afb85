package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The results contract on the default storage: SQLite, the file results.db in --data-dir. */
class SqliteResultsTest extends ResultsContractTest {
    @Override
    List<String> storageOptions(Path dir) {
        return List.of("--data-dir", dir.resolve("data").toString());
    }

    @Override
    String[] jdbc(ResultsSettings storage) {
        return new String[] {storage.jdbcUrl(), null, null};
    }

    @Test
    void the_database_is_a_wal_file_in_the_data_dir_synced_at_every_commit() throws Exception {
        TestServer s = server();
        saved(s, payload("browser", 10));
        assertTrue(Files.isRegularFile(dataDir.resolve("data").resolve("results.db")), "created with its directory");
        try (Connection c = DriverManager.getConnection(results.jdbcUrl()); Statement st = c.createStatement();
                ResultSet mode = st.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
        assertTrue(Files.exists(dataDir.resolve("data").resolve("results.db-wal")), "the write-ahead log is in use");
    }

    @Test
    void every_connection_the_store_writes_through_syncs_at_every_commit() throws Exception {
        TestServer s = server();
        saved(s, payload("browser", 10));
        DataSource pool = s.server.results().orElseThrow().store().pool();
        // Holding all of them at once: the pool hands out each of its connections, saves' included, exactly once.
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < Results.THREADS; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                try (Statement st = c.createStatement(); ResultSet sync = st.executeQuery("PRAGMA synchronous")) {
                    sync.next();
                    assertEquals(2, sync.getInt(1), "PRAGMA synchronous on a pooled connection (2 = FULL)");
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
