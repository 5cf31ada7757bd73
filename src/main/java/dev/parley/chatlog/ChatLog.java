package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;

/**
 * The chat log as the rooms and history see it: where accepted chat messages go to be stored,
 * and how far each room's messages are stored ({@link StoredSeq}). Two implementations:
 * {@link #off()} stores nothing ({@code --chat-log off}); {@link BatchedChatLog} stores in the
 * database through a background writer (see docs/durability.md).
 *
 * <p>Thread-safe: rooms call {@link #append} from their event loops, history reads from the
 * blocking executor; {@link #close()} once, after the rooms have stopped.
 */
public interface ChatLog extends AutoCloseable {

    /** No chat log: nothing is stored, every room counts as fully stored. */
    static ChatLog off() {
        return DisabledChatLog.INSTANCE;
    }

    /** Messages are stored (false: --chat-log off, history comes from memory only). */
    boolean enabled();

    /** "Stored before delivered": the caller delivers from {@code onStored}, not at once. */
    boolean sync();

    /**
     * Where a room continues its seq after a restart, given the highest seq stored for it:
     * further ahead after a crash, so the seq of a message lost in the crash is not reused.
     */
    long continueSeq(long maxStored);

    /** A room starts logging; every message up to {@code lastSeq} counts as stored. */
    StoredSeq openRoom(long roomId, long lastSeq);

    /** The room is gone; messages of it still queued are stored all the same. */
    void closeRoom(long roomId);

    /**
     * Takes an accepted message; never blocks. False when the log cannot take it (its queue is
     * full, or it is closing): the caller refuses the message and does not use its seq. With
     * {@link #sync()}, {@code onStored} (not null then) runs once the message is stored, on the
     * log's thread, in the order messages were appended; otherwise it is ignored and may be null.
     */
    boolean append(StoredSeq room, ChatNotify message, Runnable onStored);

    /**
     * Stores or spills everything accepted (call after the rooms have stopped). Does not close
     * the database.
     */
    @Override
    void close();
}
