package dev.parley.testing;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A real server on a free loopback port with its own data directory. */
public final class TestServer implements AutoCloseable {

    private final ParleyServer server;

    private TestServer(ParleyServer server) {
        this.server = server;
    }

    /** Starts with test defaults (fast password hashing) adjusted by {@code tweak}. */
    public static TestServer start(Path dataDir, Consumer<ServerConfig> tweak) throws IOException, InterruptedException {
        ServerConfig c = new ServerConfig();
        c.host = "127.0.0.1";
        c.port = 0;
        c.dataDir = dataDir;
        c.passwordIterations = 1_000; // the KDF's cost is not under test here; one test uses the default
        c.ioThreads = 2;
        c.adminPort = 0; // any free port, so test servers never collide
        tweak.accept(c);
        return new TestServer(ParleyServer.start(c));
    }

    public static TestServer start(Path dataDir) throws IOException, InterruptedException {
        return start(dataDir, c -> { });
    }

    public int port() {
        return server.address().getPort();
    }

    public ParleyServer server() {
        return server;
    }

    public TestClient client() throws IOException {
        return TestClient.connect("127.0.0.1", port());
    }

    /** A connected client that is logged in as {@code name} (password "pw-" + name). */
    public TestClient login(String name) throws IOException {
        TestClient c = client();
        c.loginOk(name, "pw-" + name);
        return c;
    }

    @Override
    public void close() {
        server.close();
    }
}
