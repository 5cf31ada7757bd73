package dev.parley.history;

import dev.parley.testing.StoreBackend;

/** {@link HistoryContract} on embedded H2. */
class HistoryH2Test extends HistoryContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
