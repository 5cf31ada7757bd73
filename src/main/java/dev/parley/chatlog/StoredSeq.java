package dev.parley.chatlog;

/**
 * How far a room's messages are in the database: every message of the room up to
 * {@link #get()} (in this run) is stored. Advanced only by the chat log's writer thread, in seq
 * order and only after a commit; read (volatile) by the room and by history reads, which must
 * not trust the database beyond it. It never goes back.
 */
public final class StoredSeq {

    /** For a server without a chat log: nothing will ever be stored, nothing waits to be. */
    private static final StoredSeq UNLOGGED = new StoredSeq(Long.MAX_VALUE);

    private volatile long value;

    /** @param value the room is stored up to here */
    public StoredSeq(long value) {
        this.value = value;
    }

    /** The state of every room of a server without a chat log. */
    public static StoredSeq unlogged() {
        return UNLOGGED;
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
