package dev.parley.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The server's relational database: a HikariCP pool over H2 (embedded, the default) or
 * PostgreSQL, migrated by Flyway at start. Calls through it block, so callers keep them off
 * the event loops.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final String url;

    private Database(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    /** The embedded H2 URL for a data directory. */
    public static String embeddedUrl(Path dataDir) {
        // AUTO_SERVER off: one server owns its data dir. DB_CLOSE_ON_EXIT off: we close the
        // pool ourselves during graceful shutdown, after the chat log has drained.
        // WRITE_DELAY=0: H2 otherwise writes commits to the file up to 500 ms later, and a
        // kill -9 loses them (measured: ~0.5 s of committed rows); see docs/durability.md.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("parley")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("parley-db");
        config.setConnectionTimeout(10_000);
        if (url.startsWith("jdbc:postgresql:")) {
            // one multi-row INSERT per batch instead of a round trip per row: the chat log's
            // batches store ~3x faster (measured, see docs/durability.md)
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource ds = new HikariDataSource(config);
        try {
            var result = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            log.info("Database {} ready (schema version {}, {} migration(s) applied)",
                    redact(url), result.targetSchemaVersion, result.migrationsExecuted);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, url);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Drops credentials that might be embedded in a JDBC URL before it is logged. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
