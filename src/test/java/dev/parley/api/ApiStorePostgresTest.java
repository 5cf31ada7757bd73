package dev.parley.api;

import dev.parley.testing.StoreBackend;

/** {@link ApiStoreContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class ApiStorePostgresTest extends ApiStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
