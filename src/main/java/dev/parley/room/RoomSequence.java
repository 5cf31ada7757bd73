package dev.parley.room;

/**
 * A room's message numbering: 1, 2, 3, ... with no gap and no reuse, in the order the room
 * accepts messages. Used on the room's executor only.
 *
 * <p>The seam for a cluster, where the node that numbers a room must still hold the right to
 * (a fenced lease): {@link #owned()} then answers false and the room refuses the message rather
 * than fork its order. On one node ({@link #startingAfter}) the room always owns its numbering.
 */
public interface RoomSequence {

    /** The seq of the last accepted message (0 for a new room). */
    long last();

    /** Marks {@code last() + 1} as used: the message with it was accepted. */
    void advance();

    /** Whether this node may number the room's next message now. */
    default boolean owned() {
        return true;
    }

    /** The single-node numbering: a counter that continues after {@code lastSeq}. */
    static RoomSequence startingAfter(long lastSeq) {
        return new RoomSequence() {
            private long seq = lastSeq;

            @Override
            public long last() {
                return seq;
            }

            @Override
            public void advance() {
                seq++;
            }
        };
    }
}
