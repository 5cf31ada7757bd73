package dev.parley.cli;

import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that cannot start says why in one line on stderr and exits with code 2: no stack
 * trace for an operator to dig through.
 */
class StartupErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aBusyDataDirectoryIsOneLineAndExitCodeTwo() throws Exception {
        try (TestServer first = TestServer.start(dir)) {
            String err = runServer("--data-dir", dir.toString(), "--host", "127.0.0.1", "--port", "0",
                    "--admin-port", "0");
            assertOneLine(err).contains("data directory " + dir.toAbsolutePath().normalize())
                    .contains("in use by another Parley server");
        }
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndExitCodeTwo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort();
        }
        String err = runServer("--data-dir", dir.toString(), "--host", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--db-url", "jdbc:postgresql://127.0.0.1:" + closed + "/parley",
                "--db-user", "postgres");
        assertOneLine(err).contains("cannot open the database jdbc:postgresql://127.0.0.1:" + closed);
    }

    @Test
    void aTakenPortIsOneLineAndExitCodeTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String err = runServer("--data-dir", dir.toString(), "--host", "127.0.0.1", "--port",
                    String.valueOf(taken.getLocalPort()), "--admin-port", "0");
            assertOneLine(err).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** Runs {@code parley server ...}, asserts exit code 2 and returns what it wrote on stderr. */
    private static String runServer(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "server";
        System.arraycopy(args, 0, all, 1, args.length);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.err;
        // Main.run reports through picocli's err writer, which defaults to System.err
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(all);
        } finally {
            System.setErr(old);
        }
        assertThat(code).as("exit code").isEqualTo(2);
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(String err) {
        assertThat(err.lines().toList()).as("stderr: " + err).hasSize(1);
        assertThat(err).startsWith("parley: ").doesNotContain("\tat ").doesNotContain("Exception");
        return assertThat(err);
    }
}
