package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link SubjectAccountsContract} on embedded H2. */
class SubjectAccountsH2Test extends SubjectAccountsContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
