package dev.parley.chatlog;

/**
 * How far a room's messages are in the database: every message of the room up to
 * {@link #get()} (in this run) is stored. Advanced only by the chat log's writer thread, in seq
 * order; read by the room and by history reads, which must not trust the database beyond it.
 */
public final class StoredSeq {

    /** For a server without a chat log: nothing will ever be stored, nothing waits to be. */
    static final StoredSeq ALL = new StoredSeq(Long.MAX_VALUE);

    private volatile long value;

    /** @param value the room is stored up to here */
    public StoredSeq(long value) {
        this.value = value;
    }

    /** The state of every room of a server without a chat log. */
    public static StoredSeq unlogged() {
        return ALL;
    }

    public long get() {
        return value;
    }

    /** Writer thread only. */
    void advance(long seq) {
        if (seq > value) {
            value = seq;
        }
    }
}
