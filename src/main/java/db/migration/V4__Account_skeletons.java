package db.migration;

import dev.parley.content.Names;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Gives the accounts that existed before skeletons (V3) theirs, computed by the same
 * {@link Names#skeleton} as new registrations. Oldest account first: when two existing names
 * look alike, the older keeps the skeleton and the younger gets none (it still logs in by its
 * name, but no further look-alike can register against it; each such pair is logged). Runs on
 * Flyway's thread at start, in Flyway's transaction, on H2 and PostgreSQL alike.
 */
public class V4__Account_skeletons extends BaseJavaMigration {

    private static final Logger log = LoggerFactory.getLogger(V4__Account_skeletons.class);
    private static final int BATCH = 500;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        Set<String> taken = new HashSet<>();
        int filled = 0;
        try (Statement read = c.createStatement();
             PreparedStatement update = c.prepareStatement("UPDATE account SET skeleton = ? WHERE id = ?")) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery("SELECT id, name FROM account WHERE skeleton IS NULL ORDER BY id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    String name = rs.getString(2);
                    String skeleton = Names.skeleton(name);
                    if (!taken.add(skeleton)) {
                        log.warn("account {} ('{}') looks like an older account's name: it keeps its name but"
                                + " holds no skeleton", id, name);
                        continue;
                    }
                    update.setString(1, skeleton);
                    update.setLong(2, id);
                    update.addBatch();
                    if (++filled % BATCH == 0) {
                        update.executeBatch();
                    }
                }
            }
            update.executeBatch();
        }
        log.info("computed the name skeletons of {} existing account(s)", filled);
    }
}
