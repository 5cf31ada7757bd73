package dev.parley.history;

import dev.parley.testing.StoreBackend;

/** {@link HistoryContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class HistoryPostgresTest extends HistoryContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
