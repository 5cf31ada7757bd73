package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link ModerationStoreContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class ModerationStorePostgresTest extends ModerationStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
