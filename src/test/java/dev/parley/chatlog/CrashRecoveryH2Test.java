package dev.parley.chatlog;

import dev.parley.testing.StoreBackend;

/** {@link CrashRecoveryContract} on embedded H2. */
class CrashRecoveryH2Test extends CrashRecoveryContract {
    @Override
    protected StoreBackend newBackend() {
        return StoreBackend.h2();
    }
}
