package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class ChatLogPostgresTest extends ChatLogContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
