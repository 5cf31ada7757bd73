package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;

/**
 * Token logins: {@code account.subject} links an account to the game backend's stable player id
 * (the token's {@code sub}; null for password accounts, unique otherwise), and
 * {@code session_key} holds the key that signs the server's session tokens, made once here from
 * a secure random source, so session tokens stay valid across restarts and never verify on
 * another database. The key is text (base64 of 48 random bytes), used as its UTF-8 bytes like a
 * {@code --session-key-file}. Java rather than SQL for the random key; the statements are plain
 * SQL valid on H2 and PostgreSQL. Runs on Flyway's thread at start, in Flyway's transaction.
 */
public class V6__Token_identity extends BaseJavaMigration {

    private static final int KEY_BYTES = 48;

    @Override
    public void migrate(Context context) throws SQLException {
        try (Statement st = context.getConnection().createStatement()) {
            st.execute("ALTER TABLE account ADD COLUMN subject VARCHAR(255)");
            // several nulls (password accounts) do not violate a unique constraint in H2 or PostgreSQL
            st.execute("ALTER TABLE account ADD CONSTRAINT account_subject_uq UNIQUE (subject)");
            st.execute("CREATE TABLE session_key (id INT NOT NULL PRIMARY KEY, secret VARCHAR(128) NOT NULL)");
        }
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "INSERT INTO session_key (id, secret) VALUES (1, ?)")) {
            insert.setString(1, Base64.getEncoder().encodeToString(key));
            insert.executeUpdate();
        }
    }
}
