package dev.parley.history;

import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.room.Room;
import dev.parley.session.ClientSession;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.chatlog.ChatLog;
import dev.parley.chatlog.StoredSeq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * History: answers {@code HistoryRequest} and gives each room its {@link RoomHistory}.
 *
 * <p>A request is checked on the session's event loop, then on the room's job queue (is the
 * player a member, or the room permanent?) where the room's tail is read; what the tail cannot
 * answer is read from the database on the blocking executor and merged with the tail snapshot
 * taken on the job queue: the database below the tail's floor, the tail above it. So messages
 * that are accepted but still in the chat log's queue are neither missed nor duplicated.
 */
public final class HistoryService {

    private static final Logger log = LoggerFactory.getLogger(HistoryService.class);

    private static final long STORED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Messages a request with limit 0 gets. */
    public static final int DEFAULT_LIMIT = 50;

    private final LocalRoomDirectory registry;
    private final ChatLog chatLog;
    private final MessageReader stored;
    private final Executor blocking;
    private final int joinHistory;
    private final int historyMax;
    private volatile boolean readFailureLogged;

    /**
     * @param joinHistory messages a join gets in {@code recent}, and that each room keeps in memory
     * @param historyMax  the most messages one request returns
     */
    public HistoryService(LocalRoomDirectory registry, ChatLog chatLog, MessageReader stored, Executor blocking,
                          int joinHistory, int historyMax) {
        this.registry = registry;
        this.chatLog = chatLog;
        this.stored = stored;
        this.blocking = blocking;
        this.joinHistory = joinHistory;
        this.historyMax = historyMax;
    }

    public ChatLog chatLog() {
        return chatLog;
    }

    public int joinHistory() {
        return joinHistory;
    }

    /** The history of a new room. */
    public RoomHistory open(long roomId) {
        return open(roomId, 0, List.of(), 0);
    }

    /** The history of a room that continues at {@code lastSeq}, its stored tail preloaded. */
    public RoomHistory open(long roomId, long lastSeq, List<ChatNotify> preload, long floor) {
        return new RoomHistory(chatLog.openRoom(roomId, lastSeq), joinHistory, historyMax, preload, floor);
    }

    /** The room is gone. */
    public void closed(Room room) {
        chatLog.closeRoom(room.id());
    }

    /** Event loop of {@code s}. */
    public void request(ClientSession s, HistoryRequest req) {
        long roomId = req.getRoomId();
        HistoryPager.Query q = HistoryPager.Query.of(req, Math.min(DEFAULT_LIMIT, historyMax), historyMax);
        if (q == null) {
            s.send(failure(Result.INVALID_REQUEST, roomId, "after_seq must be below before_seq"));
            return;
        }
        Room room = registry.get(roomId);
        if (room == null) {
            s.send(failure(Result.ROOM_NOT_FOUND, roomId, "no room " + roomId));
            return;
        }
        try {
            room.executor().execute(() -> onRoomQueue(room, s, q));
        } catch (RejectedExecutionException e) {
            s.send(failure(Result.SERVER_BUSY, roomId, "the server is shutting down"));
        }
    }

    /** Job queue of {@code room}. */
    private void onRoomQueue(Room room, ClientSession s, HistoryPager.Query q) {
        if (room.isClosed()) {
            s.send(failure(Result.ROOM_NOT_FOUND, room.id(), "no room " + room.id()));
            return;
        }
        if (!room.isPermanent() && !room.contains(s)) {
            s.send(failure(Result.NOT_IN_ROOM, room.id(), "not a member of " + room));
            return;
        }
        RoomHistory.Snapshot tail = room.history().snapshot();
        if (!chatLog.enabled() || !HistoryPager.needsStore(q, tail)) {
            s.send(ok(room.id(), HistoryPager.page(q, tail, List.of())));
            return;
        }
        StoredSeq stored = room.history().stored();
        try {
            blocking.execute(() -> readStored(room.id(), s, q, tail, stored));
        } catch (RejectedExecutionException e) {
            s.send(failure(Result.SERVER_BUSY, room.id(), "too many requests in progress; try again shortly"));
        }
    }

    /** Blocking executor. */
    private void readStored(long roomId, ClientSession s, HistoryPager.Query q, RoomHistory.Snapshot tail, StoredSeq stored) {
        if (!awaitStored(stored, HistoryPager.storedNeeded(q, tail))) {
            s.send(failure(Result.SERVER_BUSY, roomId,
                    "these messages are still on their way to the database; try again shortly"));
            return;
        }
        List<ChatNotify> rows;
        try {
            rows = this.stored.range(roomId, q.after(), HistoryPager.storeUpTo(q, tail), q.limit() + 1, q.forward());
            readFailureLogged = false;
        } catch (SQLException | RuntimeException e) {
            if (!readFailureLogged) {
                readFailureLogged = true;
                log.warn("history of room:{} cannot be read from the database: {}", roomId, e.toString());
            }
            s.send(failure(Result.INTERNAL_ERROR, roomId, "history is unavailable: the database cannot be read"));
            return;
        }
        s.send(ok(roomId, HistoryPager.page(q, tail, rows)));
    }

    /**
     * Waits (briefly) until the room is stored up to {@code seq}: normally the log is at most a
     * flush interval behind; when it is further behind (the database is slow or down) the
     * request is answered "busy" rather than with a page that misses messages.
     */
    private static boolean awaitStored(StoredSeq stored, long seq) {
        long end = System.nanoTime() + STORED_WAIT_NANOS;
        while (stored.get() < seq) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    private static HistoryResponse ok(long roomId, HistoryPager.Page page) {
        return HistoryResponse.newBuilder().setResult(Result.OK).setRoomId(roomId)
                .addAllMessages(page.messages()).setHasMore(page.hasMore()).build();
    }

    private static HistoryResponse failure(Result result, long roomId, String reason) {
        return HistoryResponse.newBuilder().setResult(result).setRoomId(roomId).setReason(reason).build();
    }
}
