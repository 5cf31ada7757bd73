package dev.parley.launch;

import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher against a real server in a child JVM: ready means listening; a failed start is reported. */
class ServerProcessTest {

    @TempDir
    Path dir;

    private ServerProcess.Options options(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--ws-port", "0", "--io-threads", "1", "--data-dir", dir.resolve("data").toString()));
        args.addAll(List.of(extra));
        return ServerProcess.Options.of(args, dir.resolve("server.log")).withJvmArgs(List.of("-Xmx128m"));
    }

    @Test
    void readyGivesTheRealPortsOfAPortZeroStart() throws Exception {
        try (ServerProcess server = ServerProcess.start(options())) {
            assertThat(server.port()).isPositive();
            assertThat(server.adminPort()).isPositive().isNotEqualTo(server.port());
            assertThat(server.transport()).isIn("io_uring", "epoll", "nio");
            assertThat(server.command()).contains("--ready-file");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000); // listening once ready
            }
            assertThat(server.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
            assertThat(server.isAlive()).isFalse();
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", server.port())); // released by the graceful stop
            }
        }
    }

    @Test
    void sigtermDrainsForTheDrainTimeThenExitsZero() throws Exception {
        try (ServerProcess server = ServerProcess.start(options("--drain", "1s", "--password-iterations", "1000"));
             TestClient dora = TestClient.connect("127.0.0.1", server.port())) {
            dora.loginOk("dora", "pw-dora");
            long terminating = System.nanoTime();
            int[] exit = new int[1];
            Thread stopper = new Thread(() -> {
                try {
                    exit[0] = server.terminate(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            GoingAwayNotify notice = dora.expectSkipping(GoingAwayNotify.class);
            assertThat(notice.getReconnectAfterMs()).isPositive();
            assertThat(dora.awaitClosed(Duration.ofSeconds(30))).as("closed after the drain").isTrue();
            stopper.join(60_000);
            assertThat(stopper.isAlive()).isFalse();
            assertThat(exit[0]).as("SIGTERM is a clean stop: exit code").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - terminating)).as("served through the drain")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void aServerThatExitsBeforeItIsReadyIsAnErrorWithItsOutput() {
        assertThatThrownBy(() -> ServerProcess.start(options("--max-frame", "10")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 2 before it was ready")
                .hasMessageContaining("max-frame must be within 64..65535");
    }
}
