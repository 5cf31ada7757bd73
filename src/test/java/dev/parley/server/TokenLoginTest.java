package dev.parley.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.account.DevTokens;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token logins against a real server over loopback: backend tokens (HS256 from a secret file,
 * ES256 from a JWKS file) with issuer and audience checked, and the session tokens every login
 * gets, across a restart and refused by a server on another database.
 */
class TokenLoginTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    @TempDir
    static Path dir;
    static TestServer server;
    static ECKey ec;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("secret"), SECRET + "\n");
        ec = new ECKeyGenerator(Curve.P_256).keyID("game-1").generate();
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(ec.toPublicJWK()).toString());
        server = TestServer.start(dir.resolve("data"), TokenLoginTest::tokens);
    }

    static void tokens(ServerConfig.Builder c) {
        c.tokenHmacSecretFile(dir.resolve("secret")).tokenJwksFile(dir.resolve("jwks.json"))
                .tokenIssuer("studio").tokenAudience("parley");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String token(String sub, String name, List<String> roles, Instant issued, Duration ttl) {
        return DevTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), sub, name, roles, "studio", "parley",
                issued, ttl);
    }

    static String token(String sub, String name) {
        return token(sub, name, List.of(), Instant.now(), Duration.ofHours(1));
    }

    static LoginResponse login(TestServer s, String token) throws Exception {
        try (TestClient c = s.client()) {
            c.send(LoginRequest.newBuilder().setToken(token).build());
            return c.expect(LoginResponse.class);
        }
    }

    static double refused(TestServer s, String reason) {
        MeterRegistry r = s.server().meterRegistry();
        return r.get("parley.logins.token.refused").tag("reason", reason).counter().count();
    }

    @Test
    void aValidTokenCreatesTheAccountEchoesTheRolesAndLaterOnesRenameIt() throws Exception {
        LoginResponse first = login(server, token("player-42", "Alice", List.of("moderator"), Instant.now(),
                Duration.ofHours(1)));
        assertThat(first.getResult()).isEqualTo(Result.OK);
        assertThat(first.getName()).isEqualTo("Alice");
        assertThat(first.getRolesList()).containsExactly("moderator");
        assertThat(first.getSessionToken()).isNotEmpty();
        assertThat(first.getSessionExpiresMs()).isGreaterThan(System.currentTimeMillis() + Duration.ofHours(23).toMillis());

        LoginResponse renamed = login(server, token("player-42", "Alicia"));
        assertThat(renamed.getResult()).isEqualTo(Result.OK);
        assertThat(renamed.getPlayerId()).isEqualTo(first.getPlayerId());
        assertThat(renamed.getName()).isEqualTo("Alicia");
        assertThat(renamed.getRolesList()).isEmpty();
        // the name is the account's now: a password login cannot take it, nor another subject
        try (TestClient c = server.client()) {
            assertThat(c.login("Alicia", "guess").getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        }
        LoginResponse other = login(server, token("player-43", "ALICIA"));
        assertThat(other.getResult()).isEqualTo(Result.INVALID_REQUEST);
        assertThat(other.getReason()).contains("belongs to another player");
    }

    @Test
    void anExpiredTokenIsRefusedAndCounted() throws Exception {
        double before = refused(server, "token_expired");
        LoginResponse r = login(server, token("p-exp", "Late", List.of(), Instant.now().minus(Duration.ofHours(2)),
                Duration.ofHours(1)));
        assertThat(r.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        assertThat(r.getReason()).contains("expired");
        assertThat(refused(server, "token_expired")).isEqualTo(before + 1);
    }

    @Test
    void aWrongSignatureIsRefused() throws Exception {
        String forged = DevTokens.hs256("not-the-server-secret-but-long-enough!".getBytes(StandardCharsets.UTF_8),
                "p-sig", "Mallory", List.of(), "studio", "parley", Instant.now(), Duration.ofHours(1));
        LoginResponse r = login(server, forged);
        assertThat(r.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        assertThat(r.getReason()).contains("signature");
    }

    @Test
    void aWrongIssuerOrAudienceIsRefused() throws Exception {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        LoginResponse issuer = login(server, DevTokens.hs256(secret, "p-iss", "Ivan", List.of(), "elsewhere", "parley",
                Instant.now(), Duration.ofHours(1)));
        assertThat(issuer.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        assertThat(issuer.getReason()).contains("issuer");
        LoginResponse audience = login(server, DevTokens.hs256(secret, "p-aud", "Ivan", List.of(), "studio", "chess",
                Instant.now(), Duration.ofHours(1)));
        assertThat(audience.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        assertThat(audience.getReason()).contains("audience");
    }

    @Test
    void anEs256TokenLogsInByItsKeyIdAndAnUnknownKeyIdIsRefused() throws Exception {
        assertThat(login(server, es256(ec, "game-1", "p-ec", "Eve")).getResult()).isEqualTo(Result.OK);
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("game-2").generate();
        LoginResponse r = login(server, es256(stranger, "game-2", "p-ec2", "Evan"));
        assertThat(r.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        assertThat(r.getReason()).contains("unknown key id 'game-2'");
    }

    static String es256(ECKey key, String kid, String sub, String name) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                new JWTClaimsSet.Builder().subject(sub).claim("name", name).issuer("studio").audience("parley")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aNameThatBreaksTheNameRulesIsRefusedWithTheRule() throws Exception {
        LoginResponse r = login(server, token("p-bad", "bad\u0007name"));
        assertThat(r.getResult()).isEqualTo(Result.INVALID_REQUEST);
        assertThat(r.getReason()).startsWith("the token's name claim: ");
        assertThat(refused(server, "token_name")).isPositive();
    }

    @Test
    void aTokenWithANameAndPasswordOrGarbageIsInvalidRequest() throws Exception {
        try (TestClient c = server.client()) {
            c.send(LoginRequest.newBuilder().setToken(token("p-both", "Both")).setName("Both").setPassword("x").build());
            assertThat(c.expect(LoginResponse.class).getResult()).isEqualTo(Result.INVALID_REQUEST);
            c.send(LoginRequest.newBuilder().setToken("not.a.jwt").build());
            LoginResponse r = c.expect(LoginResponse.class);
            assertThat(r.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(r.getReason()).contains("not a signed JWT");
        }
    }

    @Test
    void aPasswordLoginAlsoGetsASessionTokenThatLogsInWithoutThePassword() throws Exception {
        LoginResponse pw;
        try (TestClient c = server.client()) {
            pw = c.loginOk("Pat", "pw-pat");
        }
        assertThat(pw.getSessionToken()).isNotEmpty();
        LoginResponse again = login(server, pw.getSessionToken());
        assertThat(again.getResult()).isEqualTo(Result.OK);
        assertThat(again.getPlayerId()).isEqualTo(pw.getPlayerId());
        assertThat(again.getName()).isEqualTo("Pat");
        assertThat(again.getSessionToken()).isNotEqualTo(pw.getSessionToken());
    }

    @Test
    void withPasswordLoginOffOnlyTokensLogIn(@TempDir Path other) throws Exception {
        try (TestServer tokensOnly = TestServer.start(other, c -> {
            tokens(c);
            c.passwordLogin(false);
        }); TestClient c = tokensOnly.client()) {
            LoginResponse r = c.login("Pat", "pw-pat");
            assertThat(r.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(r.getReason()).contains("password login is off");
            assertThat(login(tokensOnly, token("p-only", "Tokie")).getResult()).isEqualTo(Result.OK);
        }
    }

    @Test
    void aSessionTokenLogsInAfterARestartButNotOnAnotherDatabase(@TempDir Path data, @TempDir Path otherData)
            throws Exception {
        LoginResponse first;
        try (TestServer before = TestServer.start(data, TokenLoginTest::tokens)) {
            first = login(before, token("p-restart", "Rex", List.of("vip"), Instant.now(), Duration.ofHours(1)));
            assertThat(first.getResult()).isEqualTo(Result.OK);
        }
        try (TestServer after = TestServer.start(data, TokenLoginTest::tokens)) {
            LoginResponse again = login(after, first.getSessionToken());
            assertThat(again.getResult()).isEqualTo(Result.OK);
            assertThat(again.getPlayerId()).isEqualTo(first.getPlayerId());
            assertThat(again.getName()).isEqualTo("Rex");
            assertThat(again.getRolesList()).containsExactly("vip");
        }
        try (TestServer elsewhere = TestServer.start(otherData, TokenLoginTest::tokens)) {
            LoginResponse r = login(elsewhere, first.getSessionToken());
            assertThat(r.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
            assertThat(r.getReason()).contains("not issued by this server's database");
        }
    }

    @Test
    void anExpiredSessionTokenIsSessionExpired(@TempDir Path data) throws Exception {
        Path key = data.resolve("session.key");
        Files.createDirectories(data);
        Files.writeString(key, "a-session-key-file-of-32-bytes-or-more");
        // a token issued by a server with the same key file, long ago: its TTL has passed
        dev.parley.account.SessionTokens old = new dev.parley.account.SessionTokens(
                Files.readString(key).getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1),
                java.time.Clock.fixed(Instant.now().minus(Duration.ofHours(1)), java.time.ZoneOffset.UTC));
        try (TestServer s = TestServer.start(data.resolve("db"), c -> c.sessionKeyFile(key))) {
            LoginResponse pw;
            try (TestClient c = s.client()) {
                pw = c.loginOk("Sam", "pw-sam");
            }
            assertThat(login(s, pw.getSessionToken()).getResult()).isEqualTo(Result.OK);
            LoginResponse r = login(s, old.issue(pw.getPlayerId(), List.of()).token());
            assertThat(r.getResult()).isEqualTo(Result.SESSION_EXPIRED);
            assertThat(r.getReason()).contains("log in with your game token or password again");
        }
    }

    @Test
    void failedTokenLoginsLockTheAddress(@TempDir Path other) throws Exception {
        try (TestServer strict = TestServer.start(other, c -> {
            tokens(c);
            c.loginFailuresPerAddress(3);
        })) {
            for (int i = 0; i < 3; i++) {
                assertThat(login(strict, "x.y.z").getResult()).isEqualTo(Result.INVALID_REQUEST);
            }
            LoginResponse locked = login(strict, token("p-lock", "Locky"));
            assertThat(locked.getResult()).isEqualTo(Result.RATE_LIMITED);
            assertThat(locked.getReason()).contains("from your address");
        }
    }

    @Test
    void aSecretShorterThan32BytesRefusesToStartWithOneLine(@TempDir Path other) throws Exception {
        Files.writeString(other.resolve("short"), "only-31-bytes-of-secret-text!!!\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(other.resolve("data"),
                        c -> c.tokenHmacSecretFile(other.resolve("short"))))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("token-hmac-secret-file: ")
                .hasMessageContaining("holds 31 bytes; HS256 needs at least 32");
    }
}
