package dev.parley.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The server's relational database: a HikariCP pool over H2 (embedded, the default) or
 * PostgreSQL, migrated by Flyway at start. Calls through it block, so callers keep them off
 * the event loops.
 *
 * <p>Besides the main pool (chat log, rooms; it waits up to {@link #CONNECTION_TIMEOUT} for a
 * connection, so a busy moment does not make the chat log spill), a small {@link #interactive()}
 * pool serves what a player waits for (logins, history reads) and gives up after a short
 * timeout, so those answer quickly while the database is unreachable.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** How long the main pool waits for a connection. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** How long the interactive pool waits for a connection, unless configured otherwise. */
    public static final Duration DEFAULT_INTERACTIVE_TIMEOUT = Duration.ofMillis(750);

    private final HikariDataSource dataSource;
    private final String url;
    /** Null for the interactive pool itself. */
    private final Database interactive;

    private Database(HikariDataSource dataSource, String url, Database interactive) {
        this.dataSource = dataSource;
        this.url = url;
        this.interactive = interactive;
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

    /** Opens the pools and applies pending migrations. */
    public static Database open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, DEFAULT_INTERACTIVE_TIMEOUT);
    }

    /**
     * Opens the pools and applies pending migrations.
     *
     * @param interactiveTimeout how long a login or history read waits for a connection
     */
    public static Database open(String url, String user, String password, int poolSize, Duration interactiveTimeout) {
        HikariDataSource ds = new HikariDataSource(config(url, user, password, "parley-db", poolSize, CONNECTION_TIMEOUT));
        HikariDataSource fast = null;
        try {
            Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load();
            int applied = flyway.migrate().migrationsExecuted;
            // migrate() reports no target version when nothing was pending: ask for the current one
            var current = flyway.info().current();
            log.info("Database {} ready (schema version {}, {} migration(s) applied)",
                    redact(url), current == null ? "none" : current.getVersion(), applied);
            fast = new HikariDataSource(config(url, user, password, "parley-db-interactive",
                    Math.max(2, poolSize / 2), interactiveTimeout));
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, url, new Database(fast, url, null));
    }

    private static HikariConfig config(String url, String user, String password, String name, int poolSize,
                                       Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        if (connectionTimeout.compareTo(CONNECTION_TIMEOUT) < 0) {
            // a dead pooled connection is found within the short wait, not after Hikari's 5 s
            config.setValidationTimeout(Math.max(250, connectionTimeout.toMillis() / 2));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            // one multi-row INSERT per batch instead of a round trip per row: the chat log's
            // batches store ~3x faster (measured, see docs/durability.md)
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return config;
    }

    /**
     * The same database through the small pool with the short connection timeout: for the
     * reads a player waits for. Closed with this one.
     */
    public Database interactive() {
        return interactive == null ? this : interactive;
    }

    /** A cheap check that a connection can be had and is alive; false when not. Blocks up to the pool's timeout. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * This database's identity: the UUID made by the V5 migration, the same for every server
     * and every restart on this database, different for any other database.
     */
    public String id() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM database_id")) {
            if (!rs.next()) {
                throw new SQLException("the database_id table is empty");
            }
            return rs.getString(1);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public void close() {
        if (interactive != null) {
            interactive.close();
        }
        dataSource.close();
    }

    /** Drops credentials that might be embedded in a JDBC URL before it is logged. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
