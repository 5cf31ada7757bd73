package dev.parley.server;

import dev.parley.account.PasswordHasher;
import dev.parley.protocol.Frames;
import dev.parley.session.SessionPolicies;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration records: documented defaults, checks where built, errors naming the setting's key. */
class ServerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.network()).isEqualTo(new ServerConfig.Network("0.0.0.0", 7777, null, 0));
        assertThat(c.connections()).isEqualTo(new ServerConfig.Connections(Frames.DEFAULT_MAX_CLIENT_FRAME, 100,
                Duration.ofSeconds(10), 1 << 20, Duration.ofSeconds(5), 4L << 20, Duration.ofSeconds(10),
                Duration.ofSeconds(45), SessionPolicies.DuplicateLogin.REPLACE, 0, 0, 0));
        assertThat(c.api()).isEqualTo(new ServerConfig.Api(null));
        assertThat(c.content()).isEqualTo(new ServerConfig.Content(null, dev.parley.content.BlockedWords.Mode.MASK));
        assertThat(c.rooms()).isEqualTo(new ServerConfig.Rooms(1000, 10_000, 4096, List.of(), 10, Duration.ofMinutes(10),
                Duration.ofMinutes(15)));
        assertThat(c.accounts()).isEqualTo(new ServerConfig.Accounts(true, PasswordHasher.DEFAULT_ITERATIONS));
        assertThat(c.storage()).isEqualTo(new ServerConfig.Storage(Path.of("data"), null, null, null, 8));
        assertThat(c.blocking()).isEqualTo(new ServerConfig.Blocking(0, 20_000));
        assertThat(c.blocking().effectiveThreads()).isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
        assertThat(c.chatLog()).isEqualTo(new ServerConfig.ChatLogSettings(true, Duration.ofMillis(20), false, 100_000));
        assertThat(c.history()).isEqualTo(new ServerConfig.History(20, 200));
        assertThat(c.admin()).isEqualTo(new ServerConfig.Admin("127.0.0.1", 9777));
        assertThat(c.statsInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.logins()).isEqualTo(new ServerConfig.Logins(5, 10, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMinutes(15), 1, 20, 64));
        assertThat(c.dbBreaker()).isEqualTo(new ServerConfig.DbBreaker(Duration.ofMillis(750), Duration.ofSeconds(5)));
    }

    @Test
    void toBuilderGivesAnEqualConfigToChange() {
        ServerConfig c = ServerConfig.builder().port(0).permanentRooms(List.of("lobby")).logSync(true)
                .slowReaderGrace(Duration.ofMillis(500)).adminPort(-1).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        ServerConfig changed = c.toBuilder().historyMax(300).build();
        assertThat(changed.history().historyMax()).isEqualTo(300);
        assertThat(changed.rooms()).isEqualTo(c.rooms());
        assertThat(changed.admin().enabled()).isFalse();
    }

    @Test
    void eachCheckNamesItsSettingByKey() {
        assertRejected(b -> b.port(65536), "port must be within 0..65535");
        assertRejected(b -> b.drain(java.time.Duration.ofMillis(-1)), "drain must be within 0..10m");
        assertRejected(b -> b.drain(java.time.Duration.ofMinutes(11)), "drain must be within 0..10m");
        assertRejected(b -> b.ioThreads(-1), "io-threads must be 0 (one per core) or positive");
        assertRejected(b -> b.maxFrameBytes(63), "max-frame must be within 64..65535");
        assertRejected(b -> b.rateLimit(-1), "rate-limit must be 0 (off) or positive");
        assertRejected(b -> b.slowReaderBytes(1000), "slow-reader-bytes must be at least 65536");
        assertRejected(b -> b.slowReaderGrace(Duration.ZERO), "slow-reader-grace must be at least 1ms");
        assertRejected(b -> b.roomMaxMembers(1), "room-max-members must be at least 2");
        assertRejected(b -> b.maxRooms(0), "max-rooms must be positive");
        assertRejected(b -> b.maxChatBytes(16_385), "max-chat-bytes must be within 1..16384");
        assertRejected(b -> b.maxChatBytes(8192), "max-frame must leave room for a chat of max-chat-bytes (8192)"
                + " plus 64 bytes of header and fields");
        assertRejected(b -> b.maxRooms(1).permanentRooms(List.of("a", "b")),
                "permanent-rooms names more rooms than max-rooms allows");
        assertRejected(b -> b.permanentRooms(List.of("lobby", "LOBBY")), "permanent-rooms names 'LOBBY' twice");
        assertRejected(b -> b.maxRoomsPerPlayer(0), "max-rooms-per-player must be within 1..100");
        assertRejected(b -> b.maxRoomsPerPlayer(101), "max-rooms-per-player must be within 1..100");
        assertRejected(b -> b.dedupWindow(Duration.ofMillis(-1)), "dedup-window must not be negative (0 = off)");
        assertRejected(b -> b.passwordIterations(0), "password-iterations must be positive");
        assertRejected(b -> b.dbPoolSize(0), "db-pool-size must be positive");
        assertRejected(b -> b.blockingThreads(-1), "blocking-threads must be 0 (one per core, at least 2) or positive");
        assertRejected(b -> b.loginQueue(0), "login-queue must be positive");
        assertRejected(b -> b.logFlushInterval(Duration.ofSeconds(61)), "log-flush-interval must be within 1ms..60s");
        assertRejected(b -> b.logQueue(999), "log-queue must be at least 1000");
        assertRejected(b -> b.historyMax(1001), "history-max must be within 1..1000");
        assertRejected(b -> b.joinHistory(201), "join-history must be within 0..history-max (200)");
        assertRejected(b -> b.adminPort(-2), "admin-port must be within 0..65535, or -1 for none");
        assertRejected(b -> b.statsInterval(Duration.ofSeconds(-1)), "stats-interval must not be negative");
        assertRejected(b -> b.loginFailuresPerName(-1), "login-failures-per-name must be 0 (off) or positive");
        assertRejected(b -> b.loginFailuresPerAddress(-1), "login-failures-per-address must be 0 (off) or positive");
        assertRejected(b -> b.loginFailureWindow(Duration.ZERO), "login-failure-window must be at least 1ms");
        assertRejected(b -> b.loginLockout(Duration.ZERO), "login-lockout must be at least 1ms");
        assertRejected(b -> b.loginLockoutMax(Duration.ofSeconds(29)), "login-lockout-max must be at least login-lockout (PT30S)");
        assertRejected(b -> b.loginsInFlightPerAddress(-1), "logins-in-flight-per-address must be 0 (unlimited) or positive");
        assertRejected(b -> b.registrationsPerAddressPerHour(-1),
                "registrations-per-address-per-hour must be 0 (unlimited) or positive");
        assertRejected(b -> b.hashQueue(0), "hash-queue must be positive");
        assertRejected(b -> b.dbLoginTimeout(Duration.ofMillis(249)), "db-login-timeout must be at least 250ms");
        assertRejected(b -> b.dbBreakerOpen(Duration.ZERO), "db-breaker-open must be at least 1ms");
    }

    @Test
    void tlsNeedsBothFilesOrTheDevelopmentCertificateNotBoth() {
        assertThat(ServerConfig.defaults().tls().enabled()).isFalse();
        assertRejected(b -> b.tlsCert(Path.of("cert.pem")), "tls-cert and tls-key must be given together");
        assertRejected(b -> b.tlsKey(Path.of("key.pem")), "tls-cert and tls-key must be given together");
        assertRejected(b -> b.tlsCert(Path.of("c")).tlsKey(Path.of("k")).tlsSelfSigned(true),
                "tls-self-signed and tls-cert/tls-key exclude each other");
        assertRejected(b -> b.tlsReloadInterval(Duration.ofMillis(5)),
                "tls-reload-interval must be 0 (never) or at least 100ms");
        assertThat(ServerConfig.builder().tlsCert(Path.of("c")).tlsKey(Path.of("k")).build().tls().enabled()).isTrue();
        assertThat(ServerConfig.builder().tlsSelfSigned(true).tlsReloadInterval(Duration.ZERO).build().tls().enabled())
                .isTrue();
    }

    @Test
    void theEdgesOfEachRangeAreAccepted() {
        ServerConfig c = ServerConfig.builder().port(65535).maxFrameBytes(Frames.MAX_FRAME_LENGTH)
                .maxChatBytes(16_384).slowReaderBytes(64 * 1024).slowReaderGrace(Duration.ofMillis(1))
                .logFlushInterval(Duration.ofSeconds(60)).historyMax(1000).joinHistory(1000)
                .adminPort(-1).statsInterval(Duration.ZERO).maxRoomsPerPlayer(100).dedupWindow(Duration.ZERO).build();
        assertThat(c.connections().maxFrameBytes()).isEqualTo(65_535);
    }

    @Test
    void recordsAreImmutable() {
        List<String> names = new java.util.ArrayList<>(List.of("lobby"));
        ServerConfig c = ServerConfig.builder().permanentRooms(names).build();
        names.add("trade");
        assertThat(c.rooms().permanentRooms()).containsExactly("lobby");
        assertThatThrownBy(() -> c.rooms().permanentRooms().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertRejected(UnaryOperator<ServerConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(ServerConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void aConnectionCapAtOrAboveTheFileLimitIsRefusedNamingTheSetting() {
        long files = ServerConfig.Connections.fileLimit();
        org.junit.jupiter.api.Assumptions.assumeTrue(files > 0 && files < Integer.MAX_VALUE, "the platform reports a file limit");
        ServerConfig.Connections c = ServerConfig.builder().maxConnections((int) files).build().connections();
        assertThatThrownBy(c::effectiveMaxConnections).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("max-connections (" + files + ") must leave 512 of the process file limit");
        assertThat(ServerConfig.builder().maxConnections(100).build().connections().effectiveMaxConnections()).isEqualTo(100);
        assertThat(ServerConfig.defaults().connections().effectiveMaxConnections()).isEqualTo((int) files - 512);
    }

    @Test
    void theWebSocketListenerDefaultsToTheClientHostAndChecksItsSettings() {
        ServerConfig.WebSocket ws = ServerConfig.builder().host("127.0.0.1").build().webSocket();
        assertThat(ws.host()).isEqualTo("127.0.0.1");
        assertThat(ws.port()).isEqualTo(ServerConfig.WebSocket.DEFAULT_PORT);
        assertThat(ws.allowedOrigins()).isEmpty();
        assertThat(ServerConfig.builder().host("127.0.0.1").wsHost("::1").build().webSocket().host()).isEqualTo("::1");
        assertThat(ServerConfig.builder().wsPort(ServerConfig.WebSocket.NONE).build().webSocket().enabled()).isFalse();
        assertThat(ServerConfig.builder().wsAllowedOrigins(List.of("*", "https://game.example.com:8443")).build()
                .toBuilder().build().webSocket().allowedOrigins()).containsExactly("*", "https://game.example.com:8443");
        assertRejected(b -> b.wsPort(65536), "ws-port must be within 0..65535, or -1 for none");
        assertRejected(b -> b.wsAllowedOrigins(List.of("https://game.example.com/play")),
                "ws-allowed-origins: 'https://game.example.com/play' is not an origin: scheme://host[:port], without a path, or *");
        assertRejected(b -> b.wsAllowedOrigins(List.of("game.example.com")),
                "ws-allowed-origins: 'game.example.com' is not an origin: scheme://host[:port], without a path, or *");
    }
}
