package dev.parley.server;

import dev.parley.client.ClientConfig;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Login rules against a real server over loopback TCP. */
class LoginFlowTest {

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNewNameRegistersAndTheSamePasswordLogsInAgain() throws Exception {
        long id;
        try (TestClient c = server.client()) {
            LoginResponse r = c.login("Newcomer", "pw1");
            assertThat(r.getResult()).isEqualTo(Result.OK);
            assertThat(r.getPlayerId()).isPositive();
            assertThat(r.getName()).isEqualTo("Newcomer");
            id = r.getPlayerId();
        }
        // the first session's close may still be in flight: the client library retries ALREADY_LOGGED_IN
        try (ParleyClient c = ParleyClient.create(ClientConfig.builder("127.0.0.1", server.port())
                .name("Newcomer").password("pw1").retryFirstLogin(true).build(), new ParleyListener() { })) {
            LoginResponse r = c.await(c.start());
            assertThat(r.getResult()).isEqualTo(Result.OK);
            assertThat(r.getPlayerId()).isEqualTo(id);
        }
    }

    @Test
    void aWrongPasswordIsInvalidCredentials() throws Exception {
        try (TestClient c = server.client()) {
            c.loginOk("Owner", "right");
        }
        try (TestClient c = server.client()) {
            LoginResponse r = c.login("Owner", "wrong");
            assertThat(r.getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
            assertThat(r.getPlayerId()).isZero();
            // the connection stays usable for another try
            c.send(PingRequest.newBuilder().setNonce(1).build());
            assertThat(c.expect(PongResponse.class).getNonce()).isEqualTo(1);
        }
    }

    @Test
    void aNameOnlineAlreadyIsRefusedAndTheFirstSessionKeepsWorking() throws Exception {
        try (TestClient first = server.login("Twin");
             TestClient second = server.client();
             TestClient caseVariant = server.client()) {
            assertThat(second.login("Twin", "pw-Twin").getResult()).isEqualTo(Result.ALREADY_LOGGED_IN);
            // names are unique regardless of case: "twin" is the same account
            assertThat(caseVariant.login("twin", "pw-Twin").getResult()).isEqualTo(Result.ALREADY_LOGGED_IN);
            first.send(RoomListRequest.getDefaultInstance());
            first.expect(RoomListResponse.class);
            assertThat(first.isOpen()).isTrue();
        }
    }

    @Test
    void aConnectionLogsInOnce() throws Exception {
        try (TestClient c = server.login("Once")) {
            assertThat(c.login("Other", "pw").getResult()).isEqualTo(Result.ALREADY_LOGGED_IN);
        }
    }

    @Test
    void requestsBeforeLoginAreRefusedButTheConnectionIsKept() throws Exception {
        try (TestClient c = server.client()) {
            c.send(RoomListRequest.getDefaultInstance());
            ErrorNotify e = c.expect(ErrorNotify.class);
            assertThat(e.getResult()).isEqualTo(Result.NOT_LOGGED_IN);
            assertThat(e.getRequestType()).isEqualTo(MsgType.ROOM_LIST_REQUEST);
            c.send(PingRequest.newBuilder().setNonce(99).build());
            assertThat(c.expect(PongResponse.class).getNonce()).isEqualTo(99);
            c.loginOk("Patient", "pw");
        }
    }

    @Test
    void malformedNamesAndPasswordsAreInvalidRequests() throws Exception {
        try (TestClient c = server.client()) {
            assertThat(c.login("", "pw").getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(c.login("x".repeat(33), "pw").getResult()).isEqualTo(Result.INVALID_REQUEST);
            LoginResponse control = c.login("evil\u0007bell", "pw");
            assertThat(control.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(control.getReason()).contains("control");
            assertThat(c.login("nopw", "").getResult()).isEqualTo(Result.INVALID_REQUEST);
            c.loginOk("x".repeat(32), "pw");
        }
    }

    @Test
    void passwordsAreStoredSaltedAndHashed() throws Exception {
        try (TestClient a = server.client(); TestClient b = server.client()) {
            a.loginOk("SaltA", "same-password");
            b.loginOk("SaltB", "same-password");
        }
        try (var c = server.server().database().dataSource().getConnection();
             var rs = c.createStatement().executeQuery(
                     "SELECT password_hash FROM account WHERE name IN ('SaltA', 'SaltB') ORDER BY name")) {
            rs.next();
            String a = rs.getString(1);
            rs.next();
            String b = rs.getString(1);
            assertThat(a).startsWith("pbkdf2-sha512$").doesNotContain("same-password");
            assertThat(a).isNotEqualTo(b); // different salts
        }
    }

    @Test
    void withoutAutoRegisterAnUnknownNameIsRefused(@TempDir Path other) throws Exception {
        try (TestServer closed = TestServer.start(other, c -> c.autoRegister = false);
             TestClient c = closed.client()) {
            assertThat(c.login("Stranger", "pw").getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
        }
    }

    @Test
    void theDefaultKdfCostWorksEndToEnd(@TempDir Path other) throws Exception {
        try (TestServer real = TestServer.start(other, c -> c.passwordIterations = dev.parley.account.PasswordHasher.DEFAULT_ITERATIONS)) {
            try (TestClient c = real.client()) {
                c.loginOk("Slow", "hash-me");
            }
            try (TestClient c = real.client()) {
                assertThat(c.login("Slow", "not-it").getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
            }
        }
    }

    @Test
    void closingTheServerClosesItsClients(@TempDir Path other) throws Exception {
        TestServer s = TestServer.start(other);
        try (TestClient c = s.login("Leaver")) {
            s.close();
            assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
        }
    }
}
