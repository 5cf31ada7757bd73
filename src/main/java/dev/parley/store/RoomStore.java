package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Room identity in the database: blocks of room ids reserved hi/lo style, and the ids of
 * permanent rooms by name. Blocking.
 */
public final class RoomStore {

    private static final String ROOM_IDS = "room";

    private final Database db;

    public RoomStore(Database db) {
        this.db = db;
    }

    /**
     * Reserves {@code count} room ids no server has had or will get: the returned first id and
     * the {@code count - 1} after it. The row lock of the update serialises concurrent servers.
     */
    public long reserveRoomIds(int count) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement("UPDATE id_block SET next_id = next_id + ? WHERE name = ?");
                 PreparedStatement get = c.prepareStatement("SELECT next_id FROM id_block WHERE name = ?")) {
                up.setLong(1, count);
                up.setString(2, ROOM_IDS);
                if (up.executeUpdate() != 1) {
                    throw new SQLException("id_block has no row '" + ROOM_IDS + "'; the schema is incomplete");
                }
                get.setString(1, ROOM_IDS);
                long next;
                try (ResultSet rs = get.executeQuery()) {
                    rs.next();
                    next = rs.getLong(1);
                }
                c.commit();
                return next - count;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** A permanent room as recorded: its id, and the seq its last run started from. */
    public record PermanentRoom(long id, String name, long seqBase) {
    }

    /** The permanent room with this name, if it was created before. */
    public Optional<PermanentRoom> findPermanent(String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, seq_base FROM permanent_room WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new PermanentRoom(rs.getLong(1), name, rs.getLong(2))) : Optional.empty();
            }
        }
    }

    /** Records a new permanent room named by --permanent-rooms. */
    public void addPermanent(long id, String name) throws SQLException {
        addPermanent(id, name, false);
    }

    /** Records a new permanent room; {@code fromApi}: created through the server API, opened at every start. */
    public void addPermanent(long id, String name, boolean fromApi) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO permanent_room (id, name, seq_base, created_at, from_api)"
                     + " VALUES (?, ?, 0, CURRENT_TIMESTAMP, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, name);
            ps.setBoolean(3, fromApi);
            ps.executeUpdate();
        }
    }

    /** Marks a recorded permanent room as created through the server API (opened at every start). */
    public void markFromApi(long id) throws SQLException {
        update("UPDATE permanent_room SET from_api = TRUE WHERE id = ?", id);
    }

    /** The names of the permanent rooms created through the server API, in id order. */
    public List<String> namesFromApi() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM permanent_room WHERE from_api ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Records the seq a permanent room starts this run from. */
    public void setSeqBase(long id, long seqBase) throws SQLException {
        update("UPDATE permanent_room SET seq_base = ? WHERE id = ?", seqBase, id);
    }

    /** Forgets a permanent room (removed through the server API); its stored messages stay. */
    public void removePermanent(long id) throws SQLException {
        update("DELETE FROM permanent_room WHERE id = ?", id);
    }

    /** Runs one statement whose parameters are all numbers. */
    private void update(String sql, long... params) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setLong(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
