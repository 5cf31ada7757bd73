package dev.parley.store;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogContract} on embedded H2. */
class ChatLogH2Test extends ChatLogContract {
    @Override
    StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
