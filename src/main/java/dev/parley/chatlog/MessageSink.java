package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;

import java.util.List;

/**
 * Where the chat log's writer stores messages: the database in production
 * ({@code MessageStore::insert}), an in-memory fake in the writer's unit tests. The store package
 * stays below the chat log: it knows nothing of this interface, a method reference adapts it.
 *
 * <p>Called on the writer's database thread ({@code parley-chatlog-db}) only, one call at a time.
 */
@FunctionalInterface
public interface MessageSink {

    /**
     * Stores {@code messages} (in the order given) all or nothing, and blocks until they are
     * durable. Must be idempotent on (room_id, seq): a message already stored is left as it is,
     * because a batch whose outcome was unknown (a timeout, a lost commit reply) is stored again.
     * May throw anything, or hang; the writer retries, and spills what waits meanwhile.
     */
    void insert(List<ChatNotify> messages) throws Exception;
}
