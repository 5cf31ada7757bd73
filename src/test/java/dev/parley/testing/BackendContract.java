package dev.parley.testing;

import dev.parley.server.ServerConfig;
import dev.parley.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Base of the test contracts that run once per database: a subclass names the backend (H2 or
 * PostgreSQL), each test gets a fresh one and a data directory of its own.
 */
public abstract class BackendContract {

    @TempDir
    protected Path dir;
    protected StoreBackend backend;

    protected abstract StoreBackend newBackend();

    @BeforeEach
    protected void openBackend() {
        backend = newBackend();
    }

    @AfterEach
    protected void closeBackend() {
        backend.close();
    }

    /** This backend's database under {@link #dir}, migrated, with a pool of two. */
    protected Database openDatabase() {
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        return Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2);
    }

    /** A server on this backend, without a rate limit, adjusted by {@code tweak}. */
    protected TestServer start(Consumer<ServerConfig.Builder> tweak) throws IOException, InterruptedException {
        return TestServer.start(dir, c -> {
            backend.configure(c);
            c.rateLimit(0);
            tweak.accept(c);
        });
    }
}
