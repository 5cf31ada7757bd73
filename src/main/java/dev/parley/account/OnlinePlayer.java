package dev.parley.account;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.Result;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A logged-in player as presence tracks it: one connection of one account. */
public interface OnlinePlayer {

    long playerId();

    /** The account's name as registered (its spelling, not its key). */
    String name();

    /** Encodes and sends one message to the player's connection (a direct message). Any thread. */
    void send(MessageLite message);

    /** The roles the player's token gave it (for moderation); empty for password logins. */
    default List<String> roles() {
        return List.of();
    }

    /**
     * Tells the client {@code result} and {@code reason} and closes its connection. Any thread.
     *
     * @return completes once the connection has left its rooms and presence
     */
    CompletableFuture<Void> disconnect(Result result, String reason);
}
