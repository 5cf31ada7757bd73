package dev.parley.testing;

import dev.parley.server.ServerConfig;
import dev.parley.store.Database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The database a test server runs on: embedded H2 under the data directory, or a PostgreSQL
 * database of its own (see {@link PostgresTestDatabase}). Tests read the database directly
 * through {@link #connect} to check what was stored.
 */
public abstract class StoreBackend implements AutoCloseable {

    public abstract String name();

    /** Points a server at this database. */
    public abstract void configure(ServerConfig.Builder c);

    /** The same as {@code server} command options. */
    public abstract List<String> serverArgs();

    /** A connection for checking what is stored. */
    public abstract Connection connect(Path dataDir) throws SQLException;

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return name();
    }

    /** Embedded H2 in the server's data directory, the default. */
    public static StoreBackend h2() {
        return new StoreBackend() {
            @Override
            public String name() {
                return "h2";
            }

            @Override
            public void configure(ServerConfig.Builder c) {
                c.dbUrl(null);
            }

            @Override
            public List<String> serverArgs() {
                return List.of();
            }

            @Override
            public Connection connect(Path dataDir) throws SQLException {
                return DriverManager.getConnection(Database.embeddedUrl(dataDir));
            }
        };
    }

    /** A fresh PostgreSQL database on 127.0.0.1:5432, dropped by {@link #close()}. Fails if unreachable. */
    public static StoreBackend postgres() {
        PostgresTestDatabase pg = PostgresTestDatabase.create();
        return new StoreBackend() {
            @Override
            public String name() {
                return "postgresql";
            }

            @Override
            public void configure(ServerConfig.Builder c) {
                c.dbUrl(pg.url());
                c.dbUser(PostgresTestDatabase.USER);
                c.dbPoolSize(4);
            }

            @Override
            public List<String> serverArgs() {
                return List.of("--db-url", pg.url(), "--db-user", PostgresTestDatabase.USER, "--db-pool-size", "4");
            }

            @Override
            public Connection connect(Path dataDir) throws SQLException {
                return pg.connect();
            }

            @Override
            public void close() {
                pg.close();
            }
        };
    }
}
