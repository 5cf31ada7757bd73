package dev.parley.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Reads the chat_message table directly, for checking what the chat log stored. */
public final class StoredMessages {

    /** One stored row. */
    public record Row(long roomId, long seq, long senderId, String senderName, String text, long clientMsgId,
                      long serverTimeMs) {
    }

    private StoredMessages() {
    }

    /** Every stored message of a room, ascending seq. */
    public static List<Row> of(Connection c, long roomId) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT room_id, seq, sender_id, sender_name, body, client_msg_id, "
                + "server_time_ms FROM chat_message WHERE room_id = ? ORDER BY seq")) {
            ps.setLong(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return rows;
    }

    public static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM chat_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls until {@code condition} holds; fails after {@code seconds}. */
    public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Polls a database count until it reaches {@code expected}; fails after {@code seconds}. */
    public static void awaitCount(Connection c, long expected, int seconds) throws InterruptedException {
        long[] last = {-1};
        try {
            await("chat_message to hold " + expected + " rows", seconds, () -> {
                try {
                    last[0] = count(c);
                    return last[0] >= expected;
                } catch (SQLException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (has " + last[0] + ")");
        }
    }
}
