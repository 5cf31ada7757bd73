package dev.parley.client;

import com.google.protobuf.MessageLite;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The reply the client is waiting for: the next server message that matches a predicate. One
 * at a time, which is all the console needs, since a scripted console sends its next command
 * only after the reply to the previous one.
 */
final class PendingReply {

    private Predicate<MessageLite> expected;
    private CompletableFuture<MessageLite> reply = CompletableFuture.completedFuture(null);

    /** Starts waiting for a message matching {@code expected}; call before sending the request. */
    synchronized CompletableFuture<MessageLite> expect(Predicate<MessageLite> expected) {
        this.expected = expected;
        this.reply = new CompletableFuture<>();
        return reply;
    }

    /** Offers a received message; completes the wait if it is the expected reply. */
    synchronized void offer(MessageLite message) {
        if (expected != null && expected.test(message)) {
            expected = null;
            reply.complete(message);
        }
    }

    /** The connection closed: no reply will come; the wait ends with null. */
    synchronized void cancel() {
        expected = null;
        reply.complete(null);
    }

    /** The current (or last) wait. */
    synchronized CompletableFuture<MessageLite> current() {
        return reply;
    }
}
