package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link DirectStoreContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class DirectStorePostgresTest extends DirectStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
