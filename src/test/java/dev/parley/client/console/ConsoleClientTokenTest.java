package dev.parley.client.console;

import dev.parley.account.DevTokens;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The console client logs in with a backend token, asking for no name or password. */
class ConsoleClientTokenTest {

    @Test
    void logsInWithATokenAndChats(@TempDir Path dir) throws Exception {
        String secret = "console-backend-secret-0123456789abcdef";
        Files.writeString(dir.resolve("secret"), secret);
        try (TestServer server = TestServer.start(dir.resolve("data"),
                c -> c.tokenHmacSecretFile(dir.resolve("secret")).passwordLogin(false))) {
            String token = DevTokens.hs256(secret.getBytes(StandardCharsets.UTF_8), "k-1", "Kyoto", List.of(), null,
                    null, Instant.now(), Duration.ofMinutes(5));
            ConsoleSession kyoto = ConsoleSession.start(
                    ClientOptions.of("127.0.0.1", server.port(), null, null).withToken(token));
            kyoto.out.await("Logged in as Kyoto");
            kyoto.in.line("/create Garden");
            assertThat(kyoto.out.await("---------------")).contains("Created room Garden");
            kyoto.in.end();
            assertThat(kyoto.exitCode()).isZero();
        }
    }
}
