package dev.parley.server;

import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start that fails part-way releases everything it had created: no parley thread stays
 * behind, the ports it bound are free again, and the database can be opened again.
 */
class StartFailureTest {

    @TempDir
    Path dir;

    @Test
    void anAdminPortInUseFailsTheStartAfterEverythingElseAndLeavesNothingBehind() throws Exception {
        Set<Thread> before = parleyThreads();
        int clientPort = freePort();
        try (ServerSocket taken = listen(0)) {
            ServerConfig config = TestServer.defaults(dir).port(clientPort).adminPort(taken.getLocalPort()).build();
            assertThatThrownBy(() -> ParleyServer.start(config)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot open the admin port");
        }
        assertNoParleyThreadsBeyond(before);
        try (ServerSocket again = listen(clientPort)) {
            assertThat(again.getLocalPort()).as("the client port the failed start had bound").isEqualTo(clientPort);
        }
        try (TestServer server = TestServer.start(dir); TestClient c = server.login("alice")) {
            assertThat(c.isOpen()).as("the same data directory: the database was closed").isTrue();
        }
    }

    @Test
    void aClientPortInUseFailsTheStartAndLeavesNothingBehind() throws Exception {
        Set<Thread> before = parleyThreads();
        try (ServerSocket taken = listen(0)) {
            ServerConfig config = TestServer.defaults(dir).port(taken.getLocalPort()).build();
            assertThatThrownBy(() -> ParleyServer.start(config)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertNoParleyThreadsBeyond(before);
    }

    @Test
    void aWebSocketPortInUseFailsTheStartAndLeavesNothingBehind() throws Exception {
        Set<Thread> before = parleyThreads();
        int clientPort = freePort();
        try (ServerSocket taken = listen(0)) {
            ServerConfig config = TestServer.defaults(dir).port(clientPort).wsPort(taken.getLocalPort()).build();
            assertThatThrownBy(() -> ParleyServer.start(config)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (ws-host/ws-port)");
        }
        assertNoParleyThreadsBeyond(before);
        try (ServerSocket again = listen(clientPort)) {
            assertThat(again.getLocalPort()).as("the client port the failed start had bound").isEqualTo(clientPort);
        }
    }

    @Test
    void anUnreachableDatabaseFailsTheStartAndLeavesNothingBehind() throws Exception {
        Set<Thread> before = parleyThreads();
        int closedPort = freePort();
        ServerConfig config = TestServer.defaults(dir).dbUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/parley")
                .dbUser("postgres").build();
        assertThatThrownBy(() -> ParleyServer.start(config)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open the database jdbc:postgresql://127.0.0.1:" + closedPort);
        assertNoParleyThreadsBeyond(before);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = listen(0)) {
            return s.getLocalPort();
        }
    }

    private static Set<Thread> parleyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("parley-"))
                .collect(Collectors.toSet());
    }

    /** Threads end shortly after their executor reports termination; allow them a bounded moment. */
    private static void assertNoParleyThreadsBeyond(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = parleyThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("parley threads left by the failed start").isEmpty();
    }
}
