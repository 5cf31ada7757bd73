package dev.parley.client;

import dev.parley.client.console.MessageFormatter;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads a room's history over one connection, page by page, and hands back the messages of a
 * read in ascending seq. Reads queue up and run one at a time, and each read has at most one
 * request outstanding: a {@code HistoryResponse} does not say which request it answers.
 */
public final class HistoryReader {

    /** Messages asked for per forward page; the server caps it at its --history-max. */
    static final int FORWARD_PAGE = 200;

    private final Consumer<MessageLite> send;
    private final ArrayDeque<Read> reads = new ArrayDeque<>();
    private boolean closed;

    /** @param send sends a request on the connection */
    public HistoryReader(Consumer<MessageLite> send) {
        this.send = send;
    }

    /** The latest {@code count} messages of the room (fewer if it has fewer), read backwards. */
    public CompletableFuture<List<ChatNotify>> latest(long roomId, int count) {
        return start(new Backwards(roomId, count));
    }

    /**
     * Every message with {@code afterSeq < seq} (and {@code seq < beforeSeq} unless that is null),
     * read forwards: the part of a resume that {@code recent} did not hold.
     */
    public CompletableFuture<List<ChatNotify>> between(long roomId, long afterSeq, Long beforeSeq) {
        return start(new Forwards(roomId, afterSeq, beforeSeq));
    }

    /**
     * Offers a message from the server; true if it belongs to a read (a history response, or an
     * {@code ErrorNotify} about a history request), which then needs no other handling.
     */
    public synchronized boolean offer(MessageLite message) {
        Read head = reads.peekFirst();
        if (message instanceof HistoryResponse r) {
            if (head == null) {
                return true; // an answer to a read already given up; nothing waits for it
            }
            if (r.getResult() != Result.OK) {
                finish(head, HistoryException.of(r.getResult(), r.getResultValue(), r.getReason()));
                return true;
            }
            HistoryRequest next = head.accept(r);
            if (next != null) {
                send.accept(next);
            } else {
                finish(head, null);
            }
            return true;
        }
        if (message instanceof ErrorNotify e && e.getRequestType() == MsgType.HISTORY_REQUEST) {
            if (head != null) {
                finish(head, HistoryException.of(e.getResult(), e.getResultValue(), e.getReason()));
            }
            return true;
        }
        return false;
    }

    /** The connection closed: every read fails, and reads started later fail at once. */
    public synchronized void close() {
        closed = true;
        Read r;
        while ((r = reads.pollFirst()) != null) {
            r.result.completeExceptionally(new HistoryException(null, "the connection closed"));
        }
    }

    private synchronized CompletableFuture<List<ChatNotify>> start(Read read) {
        if (closed) {
            read.result.completeExceptionally(new HistoryException(null, "the connection closed"));
        } else {
            reads.addLast(read);
            if (reads.size() == 1) {
                send.accept(read.first());
            }
        }
        return read.result;
    }

    /** Completes the head read and starts the next one. */
    private void finish(Read head, HistoryException failure) {
        reads.pollFirst();
        if (failure == null) {
            head.result.complete(head.messages());
        } else {
            head.result.completeExceptionally(failure);
        }
        Read next = reads.peekFirst();
        if (next != null) {
            send.accept(next.first());
        }
    }

    /** A refused or failed history read; the message is {@code RESULT: reason}. */
    public static final class HistoryException extends RuntimeException {
        private final Result result;

        public HistoryException(Result result, String message) {
            super(message, null, false, false);
            this.result = result;
        }

        public static HistoryException of(Result result, int resultValue, String reason) {
            return new HistoryException(result, MessageFormatter.describe(result, resultValue, reason));
        }

        /** The server's result, or null when the connection closed. */
        public Result result() {
            return result;
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
