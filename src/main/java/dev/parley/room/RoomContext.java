package dev.parley.room;

import dev.parley.chatlog.ChatLog;
import dev.parley.history.HistoryService;
import dev.parley.history.MessageReader;
import dev.parley.metrics.ServerMetrics;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What every room of a server shares: the chat log its messages go to, the history service that
 * answers reads beyond its tail, the directory it leaves when it is gone, the meters, how long
 * a room remembers a player's {@code client_msg_id}s to answer resends ({@link ResendMemory};
 * zero = off), how long after sending a message its author may edit it (zero = no edits), and
 * the wall clock (epoch milliseconds) that stamps messages, ages those ids and times edits.
 * Immutable; safe from any thread.
 */
public record RoomContext(ChatLog chatLog, HistoryService history, RoomDirectory directory, ServerMetrics metrics,
                          Duration dedupWindow, LongSupplier clockMs, Duration editWindow) {

    public RoomContext {
        if (dedupWindow.isNegative() || editWindow.isNegative()) {
            throw new IllegalArgumentException("the dedup and edit windows must not be negative");
        }
    }

    /**
     * Rooms without a chat log or database, without resend memory and edits: history comes from each
     * room's in-memory tail only. For tests and tools that exercise room rules without a server.
     */
    public static RoomContext unlogged(RoomDirectory directory, ServerMetrics metrics) {
        ChatLog off = ChatLog.off();
        return new RoomContext(off, new HistoryService(off, MessageReader.NONE, Runnable::run,
                HistoryService.DEFAULT_JOIN_HISTORY, HistoryService.DEFAULT_HISTORY_MAX), directory, metrics,
                Duration.ZERO, System::currentTimeMillis, Duration.ZERO);
    }

    /** This context with resends remembered for {@code window}, aged by {@code clock}. */
    public RoomContext withDedup(Duration window, LongSupplier clock) {
        return new RoomContext(chatLog, history, directory, metrics, window, clock, editWindow);
    }

    /** This context with edits allowed for {@code window}, timed by {@code clock}. */
    public RoomContext withEditWindow(Duration window, LongSupplier clock) {
        return new RoomContext(chatLog, history, directory, metrics, dedupWindow, clock, window);
    }
}
