package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code ban} and {@code mute} tables (V10): moderation that outlives a restart. At most one
 * ban per player and one mute per player and room (room 0 = everywhere); setting one replaces the
 * old. Reads return only what is still in force at the given time. Blocking JDBC; thread-safe.
 */
public final class ModerationStore {

    /** Column widths of V10; longer values are cut. */
    private static final int REASON = 256;
    private static final int BY = 64;

    /**
     * A ban; {@code untilMs} null = permanent. {@code player} is the banned player's name as read
     * (null when written, or when its account is gone).
     */
    public record Ban(long playerId, Long untilMs, String reason, String by, String player) {
        public Ban(long playerId, Long untilMs, String reason, String by) {
            this(playerId, untilMs, reason, by, null);
        }
    }

    /**
     * A mute of a player in a room (0 = everywhere) until {@code untilMs}. {@code player} is the
     * muted player's name as read (null when written, or when its account is gone).
     */
    public record Mute(long playerId, long roomId, long untilMs, String reason, String by, String player) {
        public Mute(long playerId, long roomId, long untilMs, String reason, String by) {
            this(playerId, roomId, untilMs, reason, by, null);
        }
    }

    /** A role given to a player through the server API. */
    public record PlayerRole(long playerId, String role) {
    }

    private final Database db;

    public ModerationStore(Database db) {
        this.db = db;
    }

    /** Bans {@code ban.playerId()}, replacing its ban if it has one. */
    public void ban(Ban ban, long atMs) throws SQLException {
        replace("DELETE FROM ban WHERE player_id = ?", new long[]{ban.playerId()},
                "INSERT INTO ban (player_id, until_ms, reason, by_name, at_ms) VALUES (?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, ban.playerId());
                    if (ban.untilMs() == null) {
                        ps.setNull(2, Types.BIGINT);
                    } else {
                        ps.setLong(2, ban.untilMs());
                    }
                    ps.setString(3, cut(ban.reason(), REASON));
                    ps.setString(4, cut(ban.by(), BY));
                    ps.setLong(5, atMs);
                });
    }

    /** Lifts the player's ban; false when it had none. */
    public boolean unban(long playerId) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return delete(c, "DELETE FROM ban WHERE player_id = ?", playerId) > 0;
        }
    }

    /** The bans in force at {@code nowMs}, with the players' names. */
    public List<Ban> activeBans(long nowMs) throws SQLException {
        List<Ban> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT b.player_id, b.until_ms, b.reason, b.by_name, a.name FROM ban b"
                             + " LEFT JOIN account a ON a.id = b.player_id WHERE b.until_ms IS NULL OR b.until_ms > ?")) {
            ps.setLong(1, nowMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long until = rs.getLong(2);
                    Long untilMs = rs.wasNull() ? null : until; // before any other column is read
                    out.add(new Ban(rs.getLong(1), untilMs, rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Mutes the player in the room, replacing that mute if there is one. */
    public void mute(Mute mute, long atMs) throws SQLException {
        replace("DELETE FROM mute WHERE player_id = ? AND room_id = ?", new long[]{mute.playerId(), mute.roomId()},
                "INSERT INTO mute (player_id, room_id, until_ms, reason, by_name, at_ms) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, mute.playerId());
                    ps.setLong(2, mute.roomId());
                    ps.setLong(3, mute.untilMs());
                    ps.setString(4, cut(mute.reason(), REASON));
                    ps.setString(5, cut(mute.by(), BY));
                    ps.setLong(6, atMs);
                });
    }

    /** Lifts the player's mute in the room (0 = its everywhere mute). */
    public void unmute(long playerId, long roomId) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            delete(c, "DELETE FROM mute WHERE player_id = ? AND room_id = ?", playerId, roomId);
        }
    }

    /** The mutes in force at {@code nowMs}, with the players' names. */
    public List<Mute> activeMutes(long nowMs) throws SQLException {
        List<Mute> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT m.player_id, m.room_id, m.until_ms, m.reason, m.by_name, a.name FROM mute m"
                             + " LEFT JOIN account a ON a.id = m.player_id WHERE m.until_ms > ?")) {
            ps.setLong(1, nowMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Mute(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            rs.getString(6)));
                }
            }
        }
        return out;
    }

    /** Replaces the roles given to {@code playerId} (empty = none), in one transaction. */
    public void setRoles(long playerId, Collection<String> roles) throws SQLException {
        inTransaction(c -> {
            delete(c, "DELETE FROM player_role WHERE player_id = ?", playerId);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO player_role (player_id, role) VALUES (?, ?)")) {
                for (String role : roles) {
                    ps.setLong(1, playerId);
                    ps.setString(2, role);
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Every role given to a player. */
    public List<PlayerRole> playerRoles() throws SQLException {
        List<PlayerRole> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT player_id, role FROM player_role");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new PlayerRole(rs.getLong(1), rs.getString(2)));
            }
        }
        return out;
    }

    /** Sets the parameters of an insert. */
    @FunctionalInterface
    private interface Row {
        void set(PreparedStatement ps) throws SQLException;
    }

    /** Deletes the row {@code keys} name and inserts its replacement, in one transaction (portable: no upsert). */
    private void replace(String delete, long[] keys, String insert, Row row) throws SQLException {
        inTransaction(c -> {
            delete(c, delete, keys);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                row.set(ps);
                ps.executeUpdate();
            }
        });
    }

    /** Work done on one connection, committed together. */
    @FunctionalInterface
    private interface Work {
        void on(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed, or rolled back when it throws. */
    private void inTransaction(Work work) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                work.on(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static int delete(Connection c, String sql, long... keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                ps.setLong(i + 1, keys[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
