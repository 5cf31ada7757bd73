package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class ChatLogPostgresTest extends ChatLogContract {
    @Override
    StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
