package dev.parley.room;

/**
 * A room's message numbering on a single node: 1, 2, 3, ... with no gap and no reuse, in the
 * order the room accepts messages. Used on the room's executor only. (A cluster replica is
 * numbered by its {@link RoomLink} instead, in Redis.)
 */
public interface RoomSequence {

    /** The seq of the last accepted message (0 for a new room). */
    long last();

    /** Marks {@code last() + 1} as used: the message with it was accepted. */
    void advance();

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
