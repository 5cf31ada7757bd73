package dev.parley.client;

import com.google.protobuf.MessageLite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One connection of a {@link ParleyClient} and what belongs to it: the requests waiting for
 * replies, the history reads, and, while a resume is under way, the live messages held back
 * until the missed ones are out. A reconnect makes a new one. Client thread only: its listener
 * methods run on the connection's event loop, which is the client thread.
 */
final class Session implements ParleyConnection.Listener {

    private final ParleyClient client;
    final PendingRequests pending;
    final HistoryReader history;
    /** Null until connected. */
    ParleyConnection connection;
    /** A resume is under way: messages that answer no request wait in {@link #held}. */
    boolean holding;
    final List<MessageLite> held = new ArrayList<>();
    /** The login's response, once logged in. */
    dev.parley.protocol.pb.LoginResponse loginResponse;
    /** The server reported a protocol violation: it closes the connection, and would close a new one too. */
    boolean violated;
    /** The server said a newer login of this player took over; the client does not reconnect. */
    boolean replaced;
    /** The last create, join or leave sent, or waiting to be; the next one goes after it. */
    private CompletableFuture<?> membershipTail = CompletableFuture.completedFuture(null);
    /** The server said it is going away: a reconnect waits this long first (see {@link Backoff#afterGoingAway}); else null. */
    Duration goingAwayWait;

    Session(ParleyClient client, Timeouts timeouts, Duration replyTimeout) {
        this.client = client;
        this.pending = new PendingRequests(timeouts);
        this.history = new HistoryReader(this::send, timeouts, replyTimeout);
    }

    void send(MessageLite message) {
        connection.send(message);
    }

    /** Sends {@code request}; the future completes with {@code result} of its reply (see {@link PendingRequests#expect}). */
    <T> CompletableFuture<T> request(MessageLite request, Predicate<MessageLite> isReply,
                                     Function<MessageLite, T> result, Duration timeout) {
        CompletableFuture<T> reply = pending.expect(isReply, result, timeout);
        if (!reply.isDone()) {
            send(request);
        }
        return reply;
    }

    /**
     * Like {@link #request}, but one at a time among creates, joins and leaves: their replies come
     * from the rooms' own queues, so replies about different rooms may arrive in any order, and a
     * refusal does not name its room. One in flight at a time keeps each reply with its request.
     */
    <T> CompletableFuture<T> membershipRequest(MessageLite request, Predicate<MessageLite> isReply,
                                               Function<MessageLite, T> result, Duration timeout) {
        CompletableFuture<T> out = membershipTail.handle((v, e) -> null)
                .thenCompose(ignored -> request(request, isReply, result, timeout));
        membershipTail = out;
        return out;
    }

    boolean isOpen() {
        return connection != null && connection.isOpen();
    }

    /** Starts closing; the close then arrives through {@link #onClosed}. */
    void close() {
        if (connection != null) {
            connection.closeAsync();
        }
    }

    @Override
    public void onMessage(MessageLite message) {
        client.received(this, message);
    }

    @Override
    public void onClosed(Throwable cause) {
        client.closed(this, cause);
    }
}
