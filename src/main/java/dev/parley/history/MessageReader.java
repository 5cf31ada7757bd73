package dev.parley.history;

import dev.parley.protocol.pb.ChatNotify;

import java.sql.SQLException;
import java.util.List;

/**
 * Reads stored chat messages of a room for history pages. The server passes the database's
 * message store; a server without a chat log passes {@link #NONE}, since it never needs to read.
 */
@FunctionalInterface
public interface MessageReader {

    /** Reads nothing: for a server whose rooms are answered from their in-memory tail alone. */
    MessageReader NONE = (roomId, afterExclusive, upToInclusive, limit, forward) -> List.of();

    /**
     * Up to {@code limit} messages of the room with seq in {@code (afterExclusive, upToInclusive]},
     * ascending; the lowest of them when {@code forward}, else the highest.
     */
    List<ChatNotify> range(long roomId, long afterExclusive, long upToInclusive, int limit, boolean forward)
            throws SQLException;
}
