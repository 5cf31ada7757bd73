package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads a room's history over one connection, page by page, and hands back the messages of a
 * read in ascending seq. Reads queue up and run one at a time, and each read has at most one
 * request outstanding: a {@code HistoryResponse} does not say which request it answers, and an
 * {@code ErrorNotify} about a history request does not even say which room. A page that times
 * out fails its read, but the next read starts only when that page's answer has come (and been
 * dropped), so answers are never matched to the wrong read. Client thread only.
 */
final class HistoryReader {

    /** Messages asked for per forward page; the server caps it at its --history-max. */
    static final int FORWARD_PAGE = 200;

    private final Consumer<MessageLite> send;
    private final Timeouts timeouts;
    private final Duration pageTimeout;
    private final ArrayDeque<Read> reads = new ArrayDeque<>();
    private ParleyException closed;
    private Runnable cancelTimer = () -> { };

    /** @param send sends a request on the connection */
    HistoryReader(Consumer<MessageLite> send, Timeouts timeouts, Duration pageTimeout) {
        this.send = send;
        this.timeouts = timeouts;
        this.pageTimeout = pageTimeout;
    }

    /** The latest {@code count} messages of the room (fewer if it has fewer), read backwards. */
    CompletableFuture<List<ChatNotify>> latest(long roomId, int count) {
        return start(new Backwards(roomId, count));
    }

    /**
     * Every message with {@code afterSeq < seq} (and {@code seq < beforeSeq} unless that is null),
     * read forwards: the part of a resume that {@code recent} did not hold.
     */
    CompletableFuture<List<ChatNotify>> between(long roomId, long afterSeq, Long beforeSeq) {
        return start(new Forwards(roomId, afterSeq, beforeSeq));
    }

    /**
     * Offers a message from the server; true if it belongs to a read (a history response, or an
     * {@code ErrorNotify} about a history request), which then needs no other handling.
     */
    boolean offer(MessageLite message) {
        Read head = reads.peekFirst();
        if (message instanceof HistoryResponse r) {
            if (head == null) {
                return true; // nothing waits for it
            }
            cancelTimer.run();
            if (head.result.isDone()) {
                finish(head, null); // the answer to a page that timed out: dropped, the next read may go
            } else if (r.getResult() != Result.OK) {
                finish(head, new RequestRefusedException(r.getResult(), r.getResultValue(), r.getReason(),
                        MsgType.HISTORY_REQUEST));
            } else {
                HistoryRequest next = head.accept(r);
                if (next != null) {
                    sendPage(next);
                } else {
                    finish(head, null);
                }
            }
            return true;
        }
        if (message instanceof ErrorNotify e && e.getRequestType() == MsgType.HISTORY_REQUEST) {
            if (head != null) {
                cancelTimer.run();
                finish(head, new RequestRefusedException(e.getResult(), e.getResultValue(), e.getReason(),
                        MsgType.HISTORY_REQUEST));
            }
            return true;
        }
        return false;
    }

    /** The connection closed: every read fails with {@code why}, and reads started later fail at once. */
    void close(ParleyException why) {
        closed = why;
        cancelTimer.run();
        Read r;
        while ((r = reads.pollFirst()) != null) {
            r.result.completeExceptionally(why);
        }
    }

    private CompletableFuture<List<ChatNotify>> start(Read read) {
        if (closed != null) {
            read.result.completeExceptionally(closed);
        } else {
            reads.addLast(read);
            if (reads.size() == 1) {
                sendPage(read.first());
            }
        }
        return read.result;
    }

    private void sendPage(HistoryRequest page) {
        Read head = reads.peekFirst();
        cancelTimer = timeouts.start(pageTimeout,
                () -> head.result.completeExceptionally(new ReplyTimeoutException(pageTimeout)));
        send.accept(page);
    }

    /** Completes the head read (unless it timed out already) and starts the next one. */
    private void finish(Read head, ParleyException failure) {
        reads.pollFirst();
        if (failure == null) {
            head.result.complete(head.messages());
        } else {
            head.result.completeExceptionally(failure);
        }
        Read next = reads.peekFirst();
        if (next != null) {
            sendPage(next.first());
        }
    }

    /** One read: the requests it takes and the messages it collects. */
    private abstract static class Read {
        final CompletableFuture<List<ChatNotify>> result = new CompletableFuture<>();
        final long roomId;

        Read(long roomId) {
            this.roomId = roomId;
        }

        abstract HistoryRequest first();

        /** Takes a page; returns the request for the next page, or null when the read is complete. */
        abstract HistoryRequest accept(HistoryResponse page);

        abstract List<ChatNotify> messages();
    }

    /** The latest {@code wanted} messages: pages backwards from the newest. */
    private static final class Backwards extends Read {
        private final int wanted;
        private final ArrayDeque<List<ChatNotify>> pages = new ArrayDeque<>();
        private int collected;

        Backwards(long roomId, int wanted) {
            super(roomId);
            this.wanted = wanted;
        }

        @Override
        HistoryRequest first() {
            return HistoryRequest.newBuilder().setRoomId(roomId).setLimit(wanted).build();
        }

        @Override
        HistoryRequest accept(HistoryResponse page) {
            List<ChatNotify> messages = page.getMessagesList();
            pages.addFirst(messages);
            collected += messages.size();
            // an empty page with has_more leaves no cursor to continue from: that is the end
            if (!page.getHasMore() || messages.isEmpty() || collected >= wanted) {
                return null;
            }
            return HistoryRequest.newBuilder().setRoomId(roomId).setBeforeSeq(messages.get(0).getSeq())
                    .setLimit(wanted - collected).build();
        }

        @Override
        List<ChatNotify> messages() {
            List<ChatNotify> all = new ArrayList<>(collected);
            pages.forEach(all::addAll);
            return all.size() > wanted ? all.subList(all.size() - wanted, all.size()) : all;
        }
    }

    /** Everything after a seq (and before another): pages forwards from the oldest. */
    private static final class Forwards extends Read {
        private final Long beforeSeq;
        private final List<ChatNotify> collected = new ArrayList<>();
        private long cursor;

        Forwards(long roomId, long afterSeq, Long beforeSeq) {
            super(roomId);
            this.cursor = afterSeq;
            this.beforeSeq = beforeSeq;
        }

        @Override
        HistoryRequest first() {
            return request();
        }

        @Override
        HistoryRequest accept(HistoryResponse page) {
            List<ChatNotify> messages = page.getMessagesList();
            collected.addAll(messages);
            if (!page.getHasMore() || messages.isEmpty()) {
                return null;
            }
            cursor = messages.get(messages.size() - 1).getSeq();
            return request();
        }

        private HistoryRequest request() {
            HistoryRequest.Builder b = HistoryRequest.newBuilder().setRoomId(roomId).setAfterSeq(cursor)
                    .setLimit(FORWARD_PAGE);
            if (beforeSeq != null) {
                b.setBeforeSeq(beforeSeq);
            }
            return b.build();
        }

        @Override
        List<ChatNotify> messages() {
            return collected;
        }
    }
}
