package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;

import java.time.Duration;

/**
 * What a {@link ParleyClient} reports besides replies. Every method runs on the client thread,
 * one at a time, in the order the server's messages arrived; a method must not block (it would
 * hold up every other message and reply of the client). All methods do nothing by default.
 *
 * <p>Chat of each room the client is in reaches it exactly once per seq across reconnects: a
 * join's {@code recent} messages in the join's reply, missed ones in {@link #onConnectionRestored},
 * everything else through {@link #onChat}. Every message names its room ({@code room_id}).
 */
public interface ParleyListener {

    /** A live chat message of one of the rooms the client is in (its own messages included); see its {@code room_id}. */
    default void onChat(ChatNotify message) {
    }

    default void onMemberJoined(MemberJoinedNotify notice) {
    }

    /**
     * A direct message to or from this player (its own messages included, as the server's
     * acknowledgement). Messages that arrived while the player was offline are not repeated
     * here: the login lists them as unread ({@link ParleyClient#conversations()}) and
     * {@link ParleyClient#directHistory} reads them. A message of kind EDIT or DELETE is an edit
     * or delete of the conversation's message {@code target_seq} (docs/protocol.md, Edits and deletes).
     */
    default void onDirectMessage(DirectMessageNotify message) {
    }

    default void onMemberLeft(MemberLeftNotify notice) {
    }

    /**
     * An {@code ErrorNotify} that answers no request the client is waiting for, e.g. a
     * {@code PROTOCOL_VIOLATION} before the server closes the connection.
     */
    default void onError(ErrorNotify error) {
    }

    /**
     * The connection is gone and the client now reconnects: after a loss ({@code deliberate}
     * false; {@code cause} is the error, null when the server closed it) or after
     * {@link ParleyClient#reconnect()} (true). Requests made from now on wait for the reconnect.
     */
    default void onConnectionLost(Throwable cause, boolean deliberate) {
    }

    /**
     * The server is shutting down ({@code GoingAwayNotify}): it goes on serving this connection
     * for a while, then closes it. The client then reconnects after {@code reconnectIn} (the
     * server's suggested delay plus random jitter) rather than at once, through
     * {@link #onConnectionLost} as after any loss. An application may call
     * {@link ParleyClient#reconnect()} to move earlier, e.g. behind a load balancer.
     */
    default void onGoingAway(String reason, Duration reconnectIn) {
    }

    /** A reconnect attempt failed for {@code problem}; the next one starts after {@code nextTry}. */
    default void onReconnectAttemptFailed(String problem, Duration nextTry) {
    }

    /**
     * The client is back: logged in again and back in the rooms it was in, with the messages it
     * missed. Called once per room it was in, in the order it had entered them (each
     * {@link Resumption} tells one room's outcome), or once with an empty {@link Resumption}
     * when it was in none; all of them before any live message. Live chat continues after them
     * through {@link #onChat}.
     */
    default void onConnectionRestored(Resumption resumption) {
    }

    /**
     * The client, once started, has ended for good, other than by {@link ParleyClient#close()}: a
     * {@link ConnectionLostException} (reconnecting off, or a protocol violation, after which a
     * new connection would fare no better) or a {@link ReconnectFailedException}. A failed
     * {@link ParleyClient#start()} is reported by its future alone.
     */
    default void onClosed(ParleyException cause) {
    }
}
