package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link DirectStoreContract} on embedded H2. */
class DirectStoreH2Test extends DirectStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
