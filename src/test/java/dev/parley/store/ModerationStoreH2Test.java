package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link ModerationStoreContract} on embedded H2. */
class ModerationStoreH2Test extends ModerationStoreContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
