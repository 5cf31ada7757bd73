package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogOwnershipContract} on embedded H2. */
class ChatLogOwnershipH2Test extends ChatLogOwnershipContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
