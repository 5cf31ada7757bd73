package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link CrashRecoveryContract} on a PostgreSQL database of its own; fails if PostgreSQL is not running. */
class CrashRecoveryPostgresTest extends CrashRecoveryContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.postgres();
    }
}
