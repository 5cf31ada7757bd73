package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link AccountStoreContract} on embedded H2. */
class AccountStoreH2Test extends AccountStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
