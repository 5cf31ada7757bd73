package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link SubjectAccountsContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class SubjectAccountsPostgresTest extends SubjectAccountsContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
