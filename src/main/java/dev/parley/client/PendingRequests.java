package dev.parley.client;

import com.google.protobuf.MessageLite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The requests of one connection that wait for their replies. A reply goes to the oldest
 * waiting request it matches: the protocol has no request ids, so replies are told apart by
 * type, {@code client_msg_id} or nonce, and replies of one type come back in request order.
 * Each request fails with a {@link ReplyTimeoutException} after its timeout and with a
 * {@link ConnectionLostException} when the connection closes. Client thread only.
 */
final class PendingRequests {

    private final Timeouts timeouts;
    private final List<Pending<?>> waiting = new ArrayList<>();
    private ParleyException closed;

    PendingRequests(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    /**
     * Registers a request about to be sent: its future completes with {@code result} of the
     * first message {@code isReply} accepts; {@code result} may throw a {@link ParleyException}
     * (a refusal) to fail it instead. Register before sending, so no reply can come first.
     */
    <T> CompletableFuture<T> expect(Predicate<MessageLite> isReply, Function<MessageLite, T> result, Duration timeout) {
        Pending<T> p = new Pending<>(isReply, result);
        if (closed != null) {
            p.future.completeExceptionally(closed);
            return p.future;
        }
        waiting.add(p);
        p.cancelTimer = timeouts.start(timeout, () -> {
            if (waiting.remove(p)) {
                p.future.completeExceptionally(new ReplyTimeoutException(timeout));
            }
        });
        return p.future;
    }

    /** Completes the oldest request {@code message} answers; false if it answers none. */
    boolean offer(MessageLite message) {
        for (Iterator<Pending<?>> it = waiting.iterator(); it.hasNext(); ) {
            Pending<?> p = it.next();
            if (p.isReply.test(message)) {
                it.remove();
                p.cancelTimer.run();
                p.complete(message);
                return true;
            }
        }
        return false;
    }

    /** The connection closed: every waiting request fails with {@code why}, and so does every later one. */
    void close(ParleyException why) {
        closed = why;
        List<Pending<?>> all = new ArrayList<>(waiting);
        waiting.clear();
        for (Pending<?> p : all) {
            p.cancelTimer.run();
            p.future.completeExceptionally(why);
        }
    }

    private static final class Pending<T> {
        final Predicate<MessageLite> isReply;
        final Function<MessageLite, T> result;
        final CompletableFuture<T> future = new CompletableFuture<>();
        Runnable cancelTimer = () -> { };

        Pending(Predicate<MessageLite> isReply, Function<MessageLite, T> result) {
            this.isReply = isReply;
            this.result = result;
        }

        void complete(MessageLite message) {
            try {
                future.complete(result.apply(message));
            } catch (ParleyException e) {
                future.completeExceptionally(e);
            }
        }
    }
}
