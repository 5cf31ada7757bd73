package dev.parley.room;

import dev.parley.chatlog.ChatLog;
import dev.parley.history.HistoryService;
import dev.parley.history.MessageReader;
import dev.parley.metrics.ServerMetrics;

/**
 * What every room of a server shares: the chat log its messages go to, the history service that
 * answers reads beyond its tail, the directory it leaves when it is gone, and the meters.
 * Immutable; safe from any thread.
 */
public record RoomContext(ChatLog chatLog, HistoryService history, RoomDirectory directory, ServerMetrics metrics) {

    /**
     * Rooms without a chat log or database: history comes from each room's in-memory tail only.
     * For tests and tools that exercise room rules without a server.
     */
    public static RoomContext unlogged(RoomDirectory directory, ServerMetrics metrics) {
        ChatLog off = ChatLog.off();
        return new RoomContext(off, new HistoryService(off, MessageReader.NONE, Runnable::run,
                HistoryService.DEFAULT_JOIN_HISTORY, HistoryService.DEFAULT_HISTORY_MAX), directory, metrics);
    }
}
