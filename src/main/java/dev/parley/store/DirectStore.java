package dev.parley.store;

import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.Member;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code direct_message} and {@code direct_conversation} tables. A conversation is the
 * unordered pair of its players, stored as (lower id, higher id). {@link #send} numbers a
 * message and stores it in one transaction that locks the conversation's row, so the database
 * is the owner of the numbering: seq 1, 2, 3, ... per conversation, continued across restarts,
 * never handed out twice. Blocking; callers keep it off the event loops.
 */
public final class DirectStore {

    /** A stored message: its seq, and whether the recipient's block withholds it from the recipient. */
    public record Sent(long seq, long timeMs, boolean withheld) {
    }

    /** One conversation as its player sees it. */
    public record ConversationRow(long peerId, String peerName, long lastSeq, long unread) {
    }

    private final Database db;

    public DirectStore(Database db) {
        this.db = db;
    }

    /**
     * Numbers and stores one message from {@code sender} to {@code recipient}. Withheld when the
     * recipient blocks the sender. The sender's read mark moves to the new seq, and the
     * recipient's too when {@code recipientReads} (it is delivered live) and it is not withheld.
     */
    public Sent send(long sender, long recipient, String text, long clientMsgId, long timeMs, boolean recipientReads)
            throws SQLException {
        long lo = Math.min(sender, recipient);
        long hi = Math.max(sender, recipient);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long last = -1;
                long loRead = 0;
                long hiRead = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT last_seq, lo_read, hi_read FROM direct_conversation"
                        + " WHERE player_lo = ? AND player_hi = ? FOR UPDATE")) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            last = rs.getLong(1);
                            loRead = rs.getLong(2);
                            hiRead = rs.getLong(3);
                        }
                    }
                }
                boolean withheld = BlockStore.blocks(c, recipient, sender);
                long seq = Math.max(last, 0) + 1;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO direct_message (player_lo, player_hi, seq,"
                        + " sender_id, body, client_msg_id, server_time_ms, withheld) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                    ps.setLong(3, seq);
                    ps.setLong(4, sender);
                    ps.setString(5, MessageStore.storable(text));
                    ps.setLong(6, clientMsgId);
                    ps.setLong(7, timeMs);
                    ps.setBoolean(8, withheld);
                    ps.executeUpdate();
                }
                boolean recipientRead = recipientReads && !withheld;
                if (sender == lo || recipientRead) {
                    loRead = seq;
                }
                if (sender == hi || recipientRead) {
                    hiRead = seq;
                }
                String sql = last < 0
                        ? "INSERT INTO direct_conversation (last_seq, lo_read, hi_read, last_time_ms, player_lo, player_hi)"
                                + " VALUES (?, ?, ?, ?, ?, ?)"
                        : "UPDATE direct_conversation SET last_seq = ?, lo_read = ?, hi_read = ?, last_time_ms = ?"
                                + " WHERE player_lo = ? AND player_hi = ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, seq);
                    ps.setLong(2, loRead);
                    ps.setLong(3, hiRead);
                    ps.setLong(4, timeMs);
                    ps.setLong(5, lo);
                    ps.setLong(6, hi);
                    ps.executeUpdate();
                }
                c.commit();
                return new Sent(seq, timeMs, withheld);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The conversations of {@code player}, most recent first, at most {@code limit}; unread
     * counts the peer's messages above the player's read mark that were not withheld from it.
     */
    public List<ConversationRow> conversations(long player, int limit) throws SQLException {
        String mine = "CASE WHEN c.player_lo = ? THEN c.lo_read ELSE c.hi_read END";
        String sql = "SELECT a.id, a.name, c.last_seq, (SELECT COUNT(*) FROM direct_message m"
                + " WHERE m.player_lo = c.player_lo AND m.player_hi = c.player_hi AND m.seq > " + mine
                + " AND m.sender_id <> ? AND m.withheld = FALSE)"
                + " FROM direct_conversation c JOIN account a"
                + " ON a.id = CASE WHEN c.player_lo = ? THEN c.player_hi ELSE c.player_lo END"
                + " WHERE c.player_lo = ? OR c.player_hi = ? ORDER BY c.last_time_ms DESC, a.id LIMIT ?";
        List<ConversationRow> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 5; i++) {
                ps.setLong(i, player);
            }
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ConversationRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /**
     * Messages of the conversation of {@code viewer} and {@code peer} with
     * {@code after < seq < before}, as {@code viewer} may see them (without those withheld from
     * it), ascending: the first {@code limit} when {@code forward}, else the last {@code limit}.
     */
    public List<DirectMessageNotify> range(Member viewer, Member peer, long after, long before, int limit,
                                           boolean forward) throws SQLException {
        if (limit <= 0 || before <= after + 1) {
            return List.of();
        }
        long lo = Math.min(viewer.getPlayerId(), peer.getPlayerId());
        long hi = Math.max(viewer.getPlayerId(), peer.getPlayerId());
        String sql = "SELECT seq, sender_id, body, client_msg_id, server_time_ms FROM direct_message"
                + " WHERE player_lo = ? AND player_hi = ? AND seq > ? AND seq < ? AND (withheld = FALSE OR sender_id = ?)"
                + " ORDER BY seq " + (forward ? "ASC" : "DESC") + " LIMIT ?";
        List<DirectMessageNotify> out = new ArrayList<>(Math.min(limit, 256));
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, lo);
            ps.setLong(2, hi);
            ps.setLong(3, after);
            ps.setLong(4, before);
            ps.setLong(5, viewer.getPlayerId());
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean fromViewer = rs.getLong(2) == viewer.getPlayerId();
                    out.add(DirectMessageNotify.newBuilder()
                            .setSeq(rs.getLong(1))
                            .setSender(fromViewer ? viewer : peer)
                            .setRecipient(fromViewer ? peer : viewer)
                            .setText(rs.getString(3))
                            .setClientMsgId(rs.getLong(4))
                            .setServerTimeMs(rs.getLong(5))
                            .build());
                }
            }
        }
        if (!forward) {
            Collections.reverse(out);
        }
        return out;
    }

    /** Moves {@code reader}'s read mark in its conversation with {@code peer} up to {@code seq}; never down. */
    public void markRead(long reader, long peer, long seq) throws SQLException {
        String column = reader < peer ? "lo_read" : "hi_read";
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE direct_conversation SET " + column + " = ?"
                     + " WHERE player_lo = ? AND player_hi = ? AND " + column + " < ?")) {
            ps.setLong(1, seq);
            ps.setLong(2, Math.min(reader, peer));
            ps.setLong(3, Math.max(reader, peer));
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
    }
}
