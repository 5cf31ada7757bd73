package dev.parley.client;

import dev.parley.account.DevTokens;
import dev.parley.testing.TcpProxy;
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

/**
 * The client library logs in with a backend token and reconnects with the session token it was
 * given: across a server restart with a new backend secret (only the session token can work),
 * and back to the backend token when a server on another database refuses the session token.
 */
class SessionTokenReconnectTest {

    static final String SECRET = "first-backend-secret-0123456789abcdef";

    static void secret(Path file, String text) throws Exception {
        Files.writeString(file, text);
    }

    static String token(String sub, String name) {
        return DevTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), sub, name, List.of(), null, null,
                Instant.now(), Duration.ofHours(1));
    }

    static ClientConfig config(int port, String token) {
        return ClientConfig.builder("127.0.0.1", port).token(token).build();
    }

    @Test
    void aReconnectAfterARestartLogsInWithTheSessionToken(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        secret(first, SECRET);
        secret(second, "a-rotated-backend-secret-0123456789ab");
        TestServer before = TestServer.start(dir.resolve("data"), c -> c.tokenHmacSecretFile(first));
        int port = before.port();
        TestServer after = null;
        RecordingListener events = new RecordingListener();
        try (TcpProxy proxy = TcpProxy.to(port);
             ParleyClient client = ParleyClient.open(config(proxy.port(), token("s-1", "Tokyo")), events)) {
            long id = client.state().playerId();
            proxy.hold();
            before.close();
            events.await("lost");
            // the backend token no longer verifies here: only the session token logs the player in
            after = TestServer.start(dir.resolve("data"), c -> c.port(port).tokenHmacSecretFile(second));
            proxy.release();
            events.await("restored");
            assertThat(client.state().playerId()).isEqualTo(id);
            assertThat(events.events()).noneMatch(e -> e.startsWith("retry"));
        } finally {
            before.close();
            if (after != null) {
                after.close();
            }
        }
    }

    @Test
    void aSessionTokenRefusedByAnotherDatabaseFallsBackToTheBackendToken(@TempDir Path dir) throws Exception {
        Path secretFile = dir.resolve("secret");
        secret(secretFile, SECRET);
        TestServer before = TestServer.start(dir.resolve("data-a"), c -> c.tokenHmacSecretFile(secretFile));
        int port = before.port();
        TestServer after = null;
        RecordingListener events = new RecordingListener();
        try (TcpProxy proxy = TcpProxy.to(port);
             ParleyClient client = ParleyClient.open(config(proxy.port(), token("s-2", "Osaka")), events)) {
            proxy.hold();
            before.close();
            events.await("lost");
            after = TestServer.start(dir.resolve("data-b"), c -> c.port(port).tokenHmacSecretFile(secretFile));
            proxy.release();
            events.await("restored");
            // only the backend token can have logged in here: the session token is the other database's
            assertThat(client.state().playerId()).isPositive();
            assertThat(events.events()).noneMatch(e -> e.startsWith("retry") || e.startsWith("closed"));
        } finally {
            before.close();
            if (after != null) {
                after.close();
            }
        }
    }
}
