package dev.parley.testing;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A real server on a free loopback port with its own data directory. */
public final class TestServer implements AutoCloseable {

    private final ParleyServer server;

    private TestServer(ParleyServer server) {
        this.server = server;
    }

    /** Starts with test defaults (fast password hashing) adjusted by {@code tweak}. */
    public static TestServer start(Path dataDir, Consumer<ServerConfig.Builder> tweak) throws IOException, InterruptedException {
        ServerConfig.Builder c = defaults(dataDir);
        tweak.accept(c);
        return new TestServer(ParleyServer.start(c.build()));
    }

    /** The test defaults: loopback, any free ports, fast password hashing, two I/O threads, no drain. */
    public static ServerConfig.Builder defaults(Path dataDir) {
        return ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .passwordIterations(1_000) // the KDF's cost is not under test here; one test uses the default
                .ioThreads(2)
                // many clients log in at once from 127.0.0.1; LoginAbuseTest tests these limits
                .loginsInFlightPerAddress(0)
                .registrationsPerAddressPerHour(0)
                .adminPort(0) // any free port, so test servers never collide
                .wsPort(0) // any free port
                .drain(Duration.ZERO); // a close is immediate; DrainTest tests the drain
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

    /**
     * Waits until the server holds exactly {@code open} client connections: a client closed
     * before has then left its rooms and presence (it is offline). Fails after {@link TestClient#TIMEOUT}.
     */
    public void awaitConnections(int open) throws InterruptedException {
        long end = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        while (server.meterRegistry().get("parley.connections").gauge().value() != open) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the server still holds "
                        + server.meterRegistry().get("parley.connections").gauge().value() + " connections, not " + open);
            }
            Thread.sleep(10);
        }
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
