package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The {@code player_block} table: who blocks whom. A player's list is bounded by the caller's
 * {@code max}, checked in the same transaction as the insert. Blocking; callers keep it off the
 * event loops.
 */
public final class BlockStore {

    /** What {@link #add} did. */
    public enum Added { ADDED, ALREADY, FULL }

    private final Database db;

    public BlockStore(Database db) {
        this.db = db;
    }

    /** Blocks {@code blocked} for {@code blocker}, unless it blocks {@code max} players already. */
    public Added add(long blocker, long blocked, int max) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                Added added = add(c, blocker, blocked, max);
                c.commit();
                return added;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Added add(Connection c, long blocker, long blocked, int max) throws SQLException {
        if (blocks(c, blocker, blocked)) {
            return Added.ALREADY;
        }
        try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM player_block WHERE blocker_id = ?")) {
            count.setLong(1, blocker);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= max) {
                    return Added.FULL;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO player_block (blocker_id, blocked_id, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
            ps.setLong(1, blocker);
            ps.setLong(2, blocked);
            ps.executeUpdate();
        }
        return Added.ADDED;
    }

    /** Unblocks; false when {@code blocker} did not block {@code blocked}. */
    public boolean remove(long blocker, long blocked) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM player_block WHERE blocker_id = ? AND blocked_id = ?")) {
            ps.setLong(1, blocker);
            ps.setLong(2, blocked);
            return ps.executeUpdate() > 0;
        }
    }

    /** The ids {@code blocker} blocks, ascending. */
    public long[] blocked(long blocker) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT blocked_id FROM player_block WHERE blocker_id = ? ORDER BY blocked_id")) {
            ps.setLong(1, blocker);
            long[] ids = new long[16];
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == ids.length) {
                        ids = Arrays.copyOf(ids, n * 2);
                    }
                    ids[n++] = rs.getLong(1);
                }
            }
            return Arrays.copyOf(ids, n);
        }
    }

    /** Whether {@code blocker} blocks {@code blocked}, within the caller's transaction. */
    static boolean blocks(Connection c, long blocker, long blocked) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM player_block WHERE blocker_id = ? AND blocked_id = ?")) {
            ps.setLong(1, blocker);
            ps.setLong(2, blocked);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
