package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link AccountStoreContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class AccountStorePostgresTest extends AccountStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
