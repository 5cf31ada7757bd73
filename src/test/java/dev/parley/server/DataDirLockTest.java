package dev.parley.server;

import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One server per data directory: a second one refuses in one line naming the directory. */
class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesUntilTheFirstHasClosed() throws Exception {
        String name = dir.toAbsolutePath().normalize().toString();
        try (TestServer first = TestServer.start(dir)) {
            assertThatThrownBy(() -> TestServer.start(dir)).isInstanceOf(IOException.class)
                    .hasMessage("data directory " + name + " is in use by another Parley server (it holds "
                            + DataDirLock.FILE + "); give each server its own --data-dir");
            try (TestClient c = first.login("alice")) {
                assertThat(c.isOpen()).as("the refused start left the first server alone").isTrue();
            }
        }
        try (TestServer again = TestServer.start(dir); TestClient c = again.login("bob")) {
            assertThat(c.isOpen()).as("the first server's close released the directory").isTrue();
        }
    }

    @Test
    void aFailedStartReleasesTheLock() throws Exception {
        ServerConfig bad = TestServer.defaults(dir).dbUrl("jdbc:postgresql://127.0.0.1:1/parley").dbUser("postgres")
                .build();
        assertThatThrownBy(() -> ParleyServer.start(bad)).isInstanceOf(IOException.class);
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(dir.resolve(DataDirLock.FILE)).exists();
        }
    }
}
