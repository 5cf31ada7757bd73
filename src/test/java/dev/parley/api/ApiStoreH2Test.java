package dev.parley.api;

import dev.parley.testing.StoreBackend;

/** {@link ApiStoreContract} on embedded H2. */
class ApiStoreH2Test extends ApiStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
