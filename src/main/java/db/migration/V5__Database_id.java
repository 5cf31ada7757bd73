package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Gives the database an identity: one row with a random UUID, made once. The chat log names its
 * crash marker and spill file after it, so servers on different databases that share (or
 * inherit) a data directory never take each other's. Java rather than SQL because H2 and
 * PostgreSQL name their UUID functions differently. Runs on Flyway's thread at start, in
 * Flyway's transaction.
 */
public class V5__Database_id extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        try (Statement create = context.getConnection().createStatement()) {
            create.execute("CREATE TABLE database_id (id VARCHAR(36) NOT NULL PRIMARY KEY)");
        }
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "INSERT INTO database_id (id) VALUES (?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.executeUpdate();
        }
    }
}
