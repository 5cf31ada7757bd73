package dev.parley.history;

import dev.parley.chatlog.ChatLog;
import dev.parley.chatlog.StoredSeq;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.Result;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * History reads beyond what a join returns: validates a {@code HistoryRequest}, opens each
 * room's {@link RoomHistory} tail, and answers a read from a tail snapshot merged with the
 * database.
 *
 * <p>Threads: {@link #answer} runs on the room's job queue, where the tail is read; what the
 * tail cannot answer is read from the database on the blocking executor and merged with the
 * tail snapshot taken on the job queue: the database below the tail's floor, the tail above it.
 * So messages that are accepted but still in the chat log's queue are neither missed nor
 * duplicated. The reply is sent from whichever thread finishes. The database reads go through
 * a circuit breaker: while the database is unreachable they are answered SERVER_BUSY at once.
 */
public final class HistoryService {

    private static final Logger log = LoggerFactory.getLogger(HistoryService.class);

    private static final long STORED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Messages a request with limit 0 gets. */
    public static final int DEFAULT_LIMIT = 50;
    /** Messages a join returns, and each room keeps in memory, unless configured otherwise. */
    public static final int DEFAULT_JOIN_HISTORY = 20;
    /** The most messages one request returns, unless configured otherwise. */
    public static final int DEFAULT_HISTORY_MAX = 200;

    private final ChatLog chatLog;
    private final MessageReader stored;
    private final Executor blocking;
    private final int joinHistory;
    private final int historyMax;
    private final CircuitBreaker database;
    private volatile boolean readFailureLogged;

    /** Without a database breaker. */
    public HistoryService(ChatLog chatLog, MessageReader stored, Executor blocking, int joinHistory, int historyMax) {
        this(chatLog, stored, blocking, joinHistory, historyMax, CircuitBreaker.ofDefaults("history"));
    }

    /**
     * @param stored      reads the database (MessageReader.NONE without a chat log)
     * @param joinHistory messages a join gets in {@code recent}, and that each room keeps in memory
     * @param historyMax  the most messages one request returns
     * @param database    the breaker guarding the database reads: while it is open, reads that need
     *                    the database get SERVER_BUSY at once
     */
    public HistoryService(ChatLog chatLog, MessageReader stored, Executor blocking, int joinHistory, int historyMax,
                          CircuitBreaker database) {
        this.chatLog = chatLog;
        this.stored = stored;
        this.blocking = blocking;
        this.joinHistory = joinHistory;
        this.historyMax = historyMax;
        this.database = database;
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
    public void closed(long roomId) {
        chatLog.closeRoom(roomId);
    }

    /** The page a request asks for, within this server's limits; null when it is malformed. Any thread. */
    public HistoryPager.Query query(HistoryRequest req) {
        return HistoryPager.Query.of(req, Math.min(DEFAULT_LIMIT, historyMax), historyMax);
    }

    /**
     * Job queue of the room: answers {@code q} from the room's tail, or from the tail and the
     * database, to {@code reply}.
     */
    public void answer(long roomId, HistoryPager.Query q, RoomHistory room, Consumer<HistoryResponse> reply) {
        RoomHistory.Snapshot tail = room.snapshot();
        if (!chatLog.enabled() || !HistoryPager.needsStore(q, tail)) {
            reply.accept(ok(roomId, HistoryPager.page(q, tail, List.of())));
            return;
        }
        if (!database.tryAcquirePermission()) {
            reply.accept(unavailable(roomId));
            return;
        }
        StoredSeq storedSeq = room.stored();
        try {
            blocking.execute(() -> readStored(roomId, reply, q, tail, storedSeq));
        } catch (RejectedExecutionException e) {
            database.releasePermission();
            reply.accept(failure(Result.SERVER_BUSY, roomId, "too many requests in progress; try again shortly"));
        }
    }

    /** Blocking executor; holds one breaker permission, reported or released exactly once. */
    private void readStored(long roomId, Consumer<HistoryResponse> reply, HistoryPager.Query q, RoomHistory.Snapshot tail,
                            StoredSeq storedSeq) {
        if (database.getState() == CircuitBreaker.State.OPEN) {
            database.releasePermission(); // opened while this waited in the queue
            reply.accept(unavailable(roomId));
            return;
        }
        if (!awaitStored(storedSeq, HistoryPager.storedNeeded(q, tail))) {
            database.releasePermission();
            reply.accept(failure(Result.SERVER_BUSY, roomId,
                    "these messages are still on their way to the database; try again shortly"));
            return;
        }
        List<ChatNotify> rows;
        long start = System.nanoTime();
        try {
            rows = this.stored.range(roomId, q.after(), HistoryPager.storeUpTo(q, tail), q.limit() + 1, q.forward());
            database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            readFailureLogged = false;
        } catch (SQLException | RuntimeException e) {
            database.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            if (!readFailureLogged) {
                readFailureLogged = true;
                log.warn("history of room:{} cannot be read from the database (logged once until it works again): {}",
                        roomId, e.toString());
            }
            reply.accept(unavailable(roomId));
            return;
        }
        reply.accept(ok(roomId, HistoryPager.page(q, tail, rows)));
    }

    private static HistoryResponse unavailable(long roomId) {
        return failure(Result.SERVER_BUSY, roomId, "history is unavailable: the database cannot be read; try again shortly");
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

    /** A refused history read. */
    public static HistoryResponse failure(Result result, long roomId, String reason) {
        return HistoryResponse.newBuilder().setResult(result).setRoomId(roomId).setReason(reason).build();
    }
}
