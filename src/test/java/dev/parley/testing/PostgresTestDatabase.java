package dev.parley.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database of a test's own on the local server (127.0.0.1:5432, user postgres,
 * trust auth): {@code CREATE DATABASE parley_test_<random>} on create, dropped on close. When
 * PostgreSQL is not reachable the test fails, saying so: these tests never skip silently.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    public static final String HOST = "127.0.0.1:5432";
    public static final String USER = "postgres";
    private static final String ADMIN_URL = "jdbc:postgresql://" + HOST + "/postgres";

    private final String name;

    private PostgresTestDatabase(String name) {
        this.name = name;
    }

    public static PostgresTestDatabase create() {
        String name = "parley_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at " + HOST + " as user " + USER + " ("
                    + e.getMessage() + "). These tests need it: start it with scripts/ensure-postgres.sh", e);
        }
        return new PostgresTestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String url() {
        return "jdbc:postgresql://" + HOST + "/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, null);
    }

    /** A connection to the maintenance database, for CREATE/ALTER/DROP DATABASE. */
    public static Connection admin() throws SQLException {
        return DriverManager.getConnection(ADMIN_URL, USER, null);
    }

    /** Takes the database away from its clients: new connections are refused, open ones are killed. */
    public void refuseConnections() throws SQLException {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
        }
    }

    public void allowConnections() throws SQLException {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
        }
    }

    @Override
    public void close() {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new AssertionError("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }
}
