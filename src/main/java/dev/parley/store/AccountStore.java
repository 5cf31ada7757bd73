package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Accounts in the database. Names are unique regardless of case ("Alice" and "alice" are the
 * same account), so one player cannot impersonate another with a case variant. Blocking.
 */
public final class AccountStore {

    private final Database db;

    public AccountStore(Database db) {
        this.db = db;
    }

    /** The key under which a name is unique. */
    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public Optional<Account> find(String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, name, password_hash FROM account WHERE name_key = ?")) {
            ps.setString(1, nameKey(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Account(rs.getLong(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Creates an account, or returns the one that won a concurrent race for the same name
     * (the caller then verifies the password against it like any existing account).
     */
    public Account createOrGet(String name, String passwordHash) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO account (name, name_key, password_hash, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)",
                     new String[]{"id"})) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setString(3, passwordHash);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Account(keys.getLong(1), name, passwordHash);
            }
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return find(name).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        // 23505 is the SQL-standard unique violation state in both H2 and PostgreSQL.
        return "23505".equals(e.getSQLState());
    }
}
