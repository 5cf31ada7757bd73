package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Accounts in the database. A name is unique twice over: regardless of case ("Alice" and
 * "alice" are the same account, {@link #nameKey}), and by its look-alike skeleton, which the
 * caller computes (this layer knows no Unicode rules): an account named "Аlice" with a
 * Cyrillic А cannot exist beside "Alice". Accounts that predate skeletons and collided with an
 * older one have none (see {@code db.migration.V4__Account_skeletons}); they still log in by
 * name. An account made by a token login is linked to the backend's player id (its
 * {@code subject}, unique) and has no password ({@link #NO_PASSWORD}, which no password matches).
 * Blocking.
 */
public final class AccountStore {

    private static final String COLUMNS = "SELECT id, name, password_hash FROM account WHERE ";
    /** The password hash of an account made by a token login: not a hash, so no password verifies. */
    public static final String NO_PASSWORD = "!token";

    private final Database db;

    public AccountStore(Database db) {
        this.db = db;
    }

    /** The key under which a name is unique regardless of case. */
    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The account of {@code name} or a case variant of it. */
    public Optional<Account> find(String name) throws SQLException {
        return findBy("name_key = ?", nameKey(name));
    }

    /** The account whose name has {@code skeleton}, the one any look-alike name collides with. */
    public Optional<Account> findBySkeleton(String skeleton) throws SQLException {
        return findBy("skeleton = ?", skeleton);
    }

    /**
     * Creates an account, or returns the one that won a concurrent race for the same name or
     * skeleton: the caller then verifies the password against it like any existing account, or
     * (its name differing) refuses the look-alike.
     */
    public Account createOrGet(String name, String skeleton, String passwordHash) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO account (name, name_key, skeleton, password_hash, created_at)"
                             + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)",
                     new String[]{"id"})) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setString(3, skeleton);
            ps.setString(4, passwordHash);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Account(keys.getLong(1), name, passwordHash);
            }
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                Optional<Account> winner = find(name);
                return (winner.isPresent() ? winner : findBySkeleton(skeleton)).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** The account with {@code id}. */
    public Optional<Account> findById(long id) throws SQLException {
        return findBy("id = ?", id);
    }

    /** The account linked to the backend's player id {@code subject}. */
    public Optional<Account> findBySubject(String subject) throws SQLException {
        return findBy("subject = ?", subject);
    }

    /**
     * Creates the account of {@code subject}, named {@code name}, with no password. Returns the
     * account linked to {@code subject} (this one, or the one a concurrent first login created),
     * or empty when {@code name} or its skeleton belongs to another account.
     */
    public Optional<Account> createForSubject(String subject, String name, String skeleton) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO account (name, name_key, skeleton, password_hash, subject, created_at)"
                             + " VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
                     new String[]{"id"})) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setString(3, skeleton);
            ps.setString(4, NO_PASSWORD);
            ps.setString(5, subject);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return Optional.of(new Account(keys.getLong(1), name, NO_PASSWORD));
            }
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return findBySubject(subject);
            }
            throw e;
        }
    }

    /** Gives account {@code id} a new name; false when the name or its skeleton belongs to another account. */
    public boolean rename(long id, String name, String skeleton) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE account SET name = ?, name_key = ?, skeleton = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setString(2, nameKey(name));
            ps.setString(3, skeleton);
            ps.setLong(4, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The key that signs session tokens, made by the V6 migration: text, used as its UTF-8 bytes. */
    public String sessionKey() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT secret FROM session_key WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the session_key table is empty");
            }
            return rs.getString(1);
        }
    }

    private Optional<Account> findBy(String condition, Object value) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(COLUMNS + condition)) {
            ps.setObject(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Account(rs.getLong(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        // 23505 is the SQL-standard unique violation state in both H2 and PostgreSQL.
        return "23505".equals(e.getSQLState());
    }
}
