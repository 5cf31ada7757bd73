package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogOwnershipContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class ChatLogOwnershipPostgresTest extends ChatLogOwnershipContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
