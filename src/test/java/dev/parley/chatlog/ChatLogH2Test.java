package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link ChatLogContract} on embedded H2. */
class ChatLogH2Test extends ChatLogContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
