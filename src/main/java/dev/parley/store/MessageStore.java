package dev.parley.store;

import dev.parley.protocol.ChatEvents;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code chat_message} table. Inserts are idempotent on (room_id, seq): storing a message
 * that is already there is a no-op, so a batch may be replayed after a partial failure or a
 * crash without duplicates. An EDIT or DELETE event rewrites the message it changes into its
 * final state in the same transaction (see {@code applyEvents}). Blocking; callers keep it off
 * the event loops.
 */
public final class MessageStore {

    private static final String COLUMNS = "room_id, seq, sender_id, sender_name, body, client_msg_id, server_time_ms, kind, target_seq";

    private static final String PLAIN_INSERT = "INSERT INTO chat_message (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Database db;
    /** Fails on a message already stored. */
    private final String insertSql;
    /** Skips messages already stored. */
    private final String idempotentSql;

    public MessageStore(Database db) {
        this.db = db;
        // The same effect, spelled per vendor: neither accepts the other's idempotent insert.
        // PostgreSQL's costs nothing extra; H2's MERGE looks each row up first (measured 1.7x
        // slower), so H2 tries a plain INSERT and falls back to MERGE only on a duplicate.
        if (db.isPostgres()) {
            this.idempotentSql = PLAIN_INSERT + " ON CONFLICT (room_id, seq) DO NOTHING";
            this.insertSql = idempotentSql;
        } else {
            // not H2's MERGE ... KEY, which overwrites a stored row and so would undo an edit's rewrite
            this.idempotentSql = "MERGE INTO chat_message USING (VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)) AS s(" + COLUMNS
                    + ") ON chat_message.room_id = s.room_id AND chat_message.seq = s.seq WHEN NOT MATCHED THEN INSERT ("
                    + COLUMNS + ") VALUES (s." + COLUMNS.replace(", ", ", s.") + ")";
            this.insertSql = PLAIN_INSERT;
        }
    }

    /** Stores {@code messages} in one transaction; those already stored are left as they are. */
    public void insert(List<ChatNotify> messages) throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        try {
            insert(messages, insertSql);
        } catch (SQLException e) {
            if (insertSql.equals(idempotentSql) || !isDuplicate(e)) {
                throw e;
            }
            insert(messages, idempotentSql); // a replay of messages stored before
        }
    }

    private static boolean isDuplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && "23505".equals(cause.getSQLState());
    }

    private void insert(List<ChatNotify> messages, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (ChatNotify m : messages) {
                    ps.setLong(1, m.getRoomId());
                    ps.setLong(2, m.getSeq());
                    ps.setLong(3, m.getSender().getPlayerId());
                    ps.setString(4, m.getSender().getName());
                    ps.setString(5, storable(m.getText()));
                    ps.setLong(6, m.getClientMsgId());
                    ps.setLong(7, m.getServerTimeMs());
                    ps.setInt(8, m.getKindValue());
                    if (ChatEvents.isEvent(m)) {
                        ps.setLong(9, m.getTargetSeq());
                    } else {
                        ps.setNull(9, Types.BIGINT);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                applyEvents(c, messages);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /**
     * Rewrites the message each EDIT or DELETE event of the batch changes into its final state
     * (the event's kind and text), in the same transaction, in seq order. The row's target_seq
     * records the event that rewrote it, and only a newer event rewrites it again, so a
     * replayed batch cannot undo a later edit; a deleted message stays deleted.
     */
    private static void applyEvents(Connection c, List<ChatNotify> messages) throws SQLException {
        PreparedStatement ps = null;
        try {
            for (ChatNotify m : messages) {
                if (!ChatEvents.isEvent(m)) {
                    continue;
                }
                if (ps == null) {
                    ps = c.prepareStatement("UPDATE chat_message SET body = ?, kind = ?, target_seq = ? "
                            + "WHERE room_id = ? AND seq = ? AND kind <> " + ChatKind.CHAT_KIND_DELETE_VALUE
                            + " AND (target_seq IS NULL OR target_seq < ?)");
                }
                ps.setString(1, storable(m.getText()));
                ps.setInt(2, m.getKindValue());
                ps.setLong(3, m.getSeq());
                ps.setLong(4, m.getRoomId());
                ps.setLong(5, m.getTargetSeq());
                ps.setLong(6, m.getSeq());
                ps.addBatch();
            }
            if (ps != null) {
                ps.executeBatch();
            }
        } finally {
            if (ps != null) {
                ps.close();
            }
        }
    }

    /** The highest seq stored for a room, 0 when it has none. */
    public long maxSeq(long roomId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM chat_message WHERE room_id = ?")) {
            ps.setLong(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1); // NULL reads as 0
            }
        }
    }

    /**
     * Messages of a room with {@code afterExclusive < seq <= upToInclusive}, ascending: the
     * first {@code limit} of them when {@code forward}, else the last {@code limit}.
     */
    public List<ChatNotify> range(long roomId, long afterExclusive, long upToInclusive, int limit, boolean forward)
            throws SQLException {
        if (limit <= 0 || upToInclusive <= afterExclusive) {
            return List.of();
        }
        String sql = "SELECT " + COLUMNS + " FROM chat_message WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq "
                + (forward ? "ASC" : "DESC") + " LIMIT ?";
        List<ChatNotify> out = new ArrayList<>(Math.min(limit, 256));
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, roomId);
            ps.setLong(2, afterExclusive);
            ps.setLong(3, upToInclusive);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ChatNotify.newBuilder()
                            .setRoomId(rs.getLong(1))
                            .setSeq(rs.getLong(2))
                            .setSender(Member.newBuilder().setPlayerId(rs.getLong(3)).setName(rs.getString(4)))
                            .setText(rs.getString(5))
                            .setClientMsgId(rs.getLong(6))
                            .setServerTimeMs(rs.getLong(7))
                            .setKindValue(rs.getInt(8))
                            .setTargetSeq(targetSeq(rs.getLong(2), rs.getLong(9)))
                            .build());
                }
            }
        }
        if (!forward) {
            Collections.reverse(out);
        }
        return out;
    }

    /**
     * The protocol's target_seq of a stored row: an event's target as stored; a rewritten
     * message (stored: the event that rewrote it, above its seq) points at itself; 0 (NULL) else.
     */
    static long targetSeq(long seq, long stored) {
        return stored > seq ? seq : stored;
    }

    /** The last {@code limit} messages of a room, ascending. */
    public List<ChatNotify> latest(long roomId, int limit) throws SQLException {
        return range(roomId, 0, Long.MAX_VALUE, limit, false);
    }

    /**
     * PostgreSQL text cannot hold U+0000, and one unstorable message would block the log behind
     * it forever; it is stored as U+FFFD on both databases, so history reads the same on both.
     */
    static String storable(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
