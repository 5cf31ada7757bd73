package dev.parley.loadgen;

import dev.parley.cli.Main;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code loadgen --reconnect-storm}: a small storm against a real server over loopback. */
@Timeout(120)
class ReconnectStormTest {

    @Test
    void everyPlayerComesBackWithItsSessionTokenWithNoGapAndNoDuplicate(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("secret"), "storm-test-backend-secret-0123456789ab");
        try (TestServer server = TestServer.start(tmp.resolve("data"),
                c -> c.rateLimit(1_000).tokenHmacSecretFile(tmp.resolve("secret")))) {
            String out = run("loadgen", "--reconnect-storm", "--port", String.valueOf(server.port()), "--clients", "60",
                    "--rooms", "3", "--storm-token-secret-file", tmp.resolve("secret").toString(),
                    "--setup-timeout", "60s");
            assertThat(out).contains("60 players in 3 rooms set up", "(token logins)",
                    "back after the drop: p50 ", "of 60 players", "PASS: every player logged in again");
            // the returns were session-token logins: no password hashing, none refused
            assertThat(server.server().meterRegistry().get("parley.logins.token.refused").counters())
                    .allMatch(c -> c.count() == 0);
        }
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out;
    }
}
