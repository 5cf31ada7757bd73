package dev.parley.store;

import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.Member;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code direct_message} and {@code direct_conversation} tables. A conversation is the
 * unordered pair of its players, stored as (lower id, higher id). {@link #send} numbers a
 * message and stores it in one transaction that locks the conversation's row, so the database
 * is the owner of the numbering: seq 1, 2, 3, ... per conversation, continued across restarts,
 * never handed out twice, whichever writers (threads, cluster nodes) send at once: the row lock
 * orders them, and the primary key of {@code direct_message} decides the race to create the row
 * (the loser numbers again). An edit or delete ({@link #change}) is numbered the same way, stored as
 * a row of its own, and rewrites the message it changes into its final state in that
 * transaction, as {@link MessageStore} does for rooms. Blocking; callers keep it off the event loops.
 */
public final class DirectStore {

    /** A stored message: its seq, and whether the recipient's block withholds it from the recipient. */
    public record Sent(long seq, long timeMs, boolean withheld) {
    }

    /** One conversation as its player sees it. */
    public record ConversationRow(long peerId, String peerName, long lastSeq, long unread) {
    }

    /**
     * A message an edit or delete names, as stored: its sender and time, and what it is now
     * ({@code kind} MESSAGE, EDIT or DELETE; {@code event} when it is itself an edit or delete).
     */
    public record Target(long senderId, long timeMs, ChatKind kind, boolean event) {
        /** A tombstone: a message that was deleted. */
        public boolean deleted() {
            return kind == ChatKind.CHAT_KIND_DELETE && !event;
        }
    }

    /**
     * What became of an edit or delete: refused with the check's {@code refusal} (nothing stored),
     * or stored as event {@code seq}, withheld from the peer when {@code withheld}.
     */
    public record Changed<R>(R refusal, long seq, long timeMs, boolean withheld) {
    }

    /** Tries of a send that lost the race to insert a conversation's first message (see {@link #send}). */
    private static final int FIRST_MESSAGE_ATTEMPTS = 3;

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
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(sender, recipient, text, clientMsgId, timeMs, recipientReads);
            } catch (SQLException e) {
                // Two writers (cluster nodes) starting the same conversation at once both find no row to
                // lock and both insert seq 1: the primary keys let one win, the other numbers again, now
                // behind the row lock. Once the row exists the lock orders every later writer.
                if (!isUniqueViolation(e) || attempt == FIRST_MESSAGE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        // 23505 is the SQL-standard unique violation state in both H2 and PostgreSQL.
        return "23505".equals(e.getSQLState());
    }

    private Sent sendOnce(long sender, long recipient, String text, long clientMsgId, long timeMs,
                          boolean recipientReads) throws SQLException {
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
     * Numbers and stores an edit (kind EDIT, the new {@code text}) or delete (kind DELETE, empty
     * text) by player {@code by} of message {@code targetSeq} of its conversation with
     * {@code peer}, in one transaction that locks the conversation's row, so nothing else is
     * numbered or changed in it meanwhile. {@code check} sees the target as {@code by} may see it
     * (null when there is no such message, or it is withheld from {@code by}) and answers why the
     * change is refused, or null to go on. The event is withheld from {@code peer} when the
     * message was, or when {@code peer} blocks {@code by}. Read marks stay: an event is not a
     * message to read.
     */
    public <R> Changed<R> change(long by, long peer, long targetSeq, ChatKind kind, String text, long timeMs,
                                 Function<Target, R> check) throws SQLException {
        long lo = Math.min(by, peer);
        long hi = Math.max(by, peer);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long last = -1;
                try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM direct_conversation"
                        + " WHERE player_lo = ? AND player_hi = ? FOR UPDATE")) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            last = rs.getLong(1);
                        }
                    }
                }
                Target target = null;
                boolean targetWithheld = false;
                if (last >= 0) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT sender_id, server_time_ms, kind, target_seq,"
                            + " withheld FROM direct_message WHERE player_lo = ? AND player_hi = ? AND seq = ?")) {
                        ps.setLong(1, lo);
                        ps.setLong(2, hi);
                        ps.setLong(3, targetSeq);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                long sender = rs.getLong(1);
                                targetWithheld = rs.getBoolean(5);
                                long stored = rs.getLong(4); // NULL reads as 0
                                if (!targetWithheld || sender == by) {
                                    ChatKind k = ChatKind.forNumber(rs.getInt(3));
                                    target = new Target(sender, rs.getLong(2), k == null ? ChatKind.CHAT_KIND_MESSAGE : k,
                                            stored != 0 && stored < targetSeq);
                                }
                            }
                        }
                    }
                }
                R refusal = check.apply(target);
                if (refusal != null) {
                    c.rollback();
                    return new Changed<>(refusal, 0, 0, false);
                }
                if (target == null) {
                    throw new IllegalArgumentException("the check let a change of no message through");
                }
                boolean withheld = targetWithheld || BlockStore.blocks(c, peer, by);
                long seq = last + 1;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO direct_message (player_lo, player_hi, seq,"
                        + " sender_id, body, client_msg_id, server_time_ms, withheld, kind, target_seq)"
                        + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                    ps.setLong(3, seq);
                    ps.setLong(4, by);
                    ps.setString(5, MessageStore.storable(text));
                    ps.setLong(6, timeMs);
                    ps.setBoolean(7, withheld);
                    ps.setInt(8, kind.getNumber());
                    ps.setLong(9, targetSeq);
                    ps.executeUpdate();
                }
                // the message in its final state; its target_seq records the event that rewrote it
                try (PreparedStatement ps = c.prepareStatement("UPDATE direct_message SET body = ?, kind = ?,"
                        + " target_seq = ? WHERE player_lo = ? AND player_hi = ? AND seq = ?")) {
                    ps.setString(1, MessageStore.storable(text));
                    ps.setInt(2, kind.getNumber());
                    ps.setLong(3, seq);
                    ps.setLong(4, lo);
                    ps.setLong(5, hi);
                    ps.setLong(6, targetSeq);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE direct_conversation SET last_seq = ?"
                        + " WHERE player_lo = ? AND player_hi = ?")) {
                    ps.setLong(1, seq);
                    ps.setLong(2, lo);
                    ps.setLong(3, hi);
                    ps.executeUpdate();
                }
                c.commit();
                return new Changed<>(null, seq, timeMs, withheld);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The conversations of {@code player}, most recent first, at most {@code limit}; unread
     * counts the peer's messages above the player's read mark that were not withheld from it:
     * not edit and delete events, nor deleted messages (nothing is left to read of them).
     */
    public List<ConversationRow> conversations(long player, int limit) throws SQLException {
        String mine = "CASE WHEN c.player_lo = ? THEN c.lo_read ELSE c.hi_read END";
        String sql = "SELECT a.id, a.name, c.last_seq, (SELECT COUNT(*) FROM direct_message m"
                + " WHERE m.player_lo = c.player_lo AND m.player_hi = c.player_hi AND m.seq > " + mine
                + " AND m.sender_id <> ? AND m.withheld = FALSE"
                + " AND m.kind <> " + ChatKind.CHAT_KIND_DELETE_VALUE
                + " AND (m.target_seq IS NULL OR m.target_seq > m.seq))"
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
     * Each message is in its latest state (edited text; deleted: a tombstone without text), and
     * edit and delete events are among them, as room history returns them.
     */
    public List<DirectMessageNotify> range(Member viewer, Member peer, long after, long before, int limit,
                                           boolean forward) throws SQLException {
        if (limit <= 0 || before <= after + 1) {
            return List.of();
        }
        long lo = Math.min(viewer.getPlayerId(), peer.getPlayerId());
        long hi = Math.max(viewer.getPlayerId(), peer.getPlayerId());
        String sql = "SELECT seq, sender_id, body, client_msg_id, server_time_ms, kind, target_seq FROM direct_message"
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
                            .setKindValue(rs.getInt(6))
                            .setTargetSeq(MessageStore.targetSeq(rs.getLong(1), rs.getLong(7)))
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
