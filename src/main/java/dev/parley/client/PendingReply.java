package dev.parley.client;

import com.google.protobuf.MessageLite;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The reply the client is waiting for on one connection: the next server message that matches
 * a predicate. One at a time, which is all the console needs, since a scripted console sends its
 * next command only after the reply to the previous one.
 */
public final class PendingReply {

    private Predicate<MessageLite> expected;
    private CompletableFuture<MessageLite> reply = CompletableFuture.completedFuture(null);
    private boolean cancelled;

    /**
     * Starts waiting for a message matching {@code expected}; call before sending the request.
     * After {@link #cancel()} the wait ends at once with null.
     */
    public synchronized CompletableFuture<MessageLite> expect(Predicate<MessageLite> expected) {
        if (cancelled) {
            return CompletableFuture.completedFuture(null);
        }
        this.expected = expected;
        this.reply = new CompletableFuture<>();
        return reply;
    }

    /** Offers a received message; completes the wait and returns true if it is the expected reply. */
    public synchronized boolean offer(MessageLite message) {
        if (expected != null && expected.test(message)) {
            expected = null;
            reply.complete(message);
            return true;
        }
        return false;
    }

    /** The connection closed: no reply will come; the wait ends with null, and so does every later one. */
    public synchronized void cancel() {
        cancelled = true;
        expected = null;
        reply.complete(null);
    }

    /** The current (or last) wait. */
    public synchronized CompletableFuture<MessageLite> current() {
        return reply;
    }
}
