package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;

/**
 * {@code --chat-log off}: accepts every message and stores none. Every room is "stored up to
 * infinity" ({@link StoredSeq#unlogged()}), so nothing ever waits for the log. Stateless, so
 * one instance serves every thread.
 */
final class DisabledChatLog implements ChatLog {

    static final DisabledChatLog INSTANCE = new DisabledChatLog();

    private DisabledChatLog() {
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public boolean sync() {
        return false;
    }

    @Override
    public long continueSeq(long maxStored) {
        return maxStored; // no crash marker without a log: nothing can have been lost unseen
    }

    @Override
    public StoredSeq openRoom(long roomId, long lastSeq) {
        return StoredSeq.unlogged();
    }

    @Override
    public void closeRoom(long roomId) {
    }

    @Override
    public boolean append(StoredSeq room, ChatNotify message, Runnable onStored) {
        return true; // never sync(), so onStored is not ours to run
    }

    @Override
    public void close() {
    }
}
