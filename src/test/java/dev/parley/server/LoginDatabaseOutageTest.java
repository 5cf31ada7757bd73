package dev.parley.server;

import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.AdminHttp;
import dev.parley.testing.Chat;
import dev.parley.testing.H2NetworkServer;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database (an H2 server) goes away: logins and history reads that need it answer
 * SERVER_BUSY quickly instead of hanging, readiness says why, chat goes on; when the database
 * returns, all of it recovers by itself.
 */
class LoginDatabaseOutageTest {

    @TempDir
    Path dir;

    @Test
    void loginsAndHistoryGetServerBusyQuicklyWhileTheDatabaseIsAwayAndRecover() throws Exception {
        H2NetworkServer h2 = H2NetworkServer.start(dir.resolve("h2"));
        String url = h2.url();
        try (TestServer server = TestServer.start(dir.resolve("data"), c -> c.dbUrl(url).rateLimit(0)
                .dbBreakerOpen(Duration.ofSeconds(1)));
             TestClient bob = server.login("bob")) {
            MeterRegistry meters = server.server().meterRegistry();
            server.login("alice").close();
            long room = Chat.createRoom(bob, "outage");
            for (int i = 1; i <= 40; i++) {
                Chat.say(bob, "m" + i, i);
            }
            Chat.receive(bob, 40);
            try (Connection c = h2.connect()) {
                StoredMessages.awaitCount(c, 40, 20);
            }
            Chat.say(bob, "m41", 41); // the room's tail drops what is stored: older pages need the database
            Chat.receive(bob, 1);
            assertThat(AdminHttp.get(server, "/health/ready").statusCode()).isEqualTo(200);

            h2.stop();
            java.util.List<Long> answeredMs = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                try (TestClient alice = server.client()) {
                    LoginResponse r = alice.login("alice", "pw-alice");
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertThat(r.getResult()).as("login %d: %s", i, r).isEqualTo(Result.SERVER_BUSY);
                    assertThat(r.getReason()).isEqualTo("the account store is unavailable; try again shortly");
                    assertThat(ms).as("login %d answered within", i).isLessThan(2000);
                    answeredMs.add(ms);
                }
            }
            System.out.println("logins while the database is away answered SERVER_BUSY after (ms): " + answeredMs);
            assertThat(meters.get("parley.db.breaker.state").gauge().value()).as("open").isEqualTo(1);
            long start = System.nanoTime();
            HistoryResponse h = Chat.history(bob, room, 5L, null, 3); // below the in-memory tail
            assertThat(h.getResult()).isEqualTo(Result.SERVER_BUSY);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
            assertThat(meters.get("parley.db.breaker.rejections").counter().count()).isPositive();
            assertThat(meters.get("parley.logins.busy").tag("reason", "database").counter().count()).isEqualTo(5);

            HttpResponse<String> notReady = AdminHttp.get(server, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("\"status\":\"DOWN\"", "\"database\":\"unreachable");
            assertThat(AdminHttp.get(server, "/health/live").statusCode()).isEqualTo(200);
            // chat goes on (the chat log spills)
            Chat.say(bob, "during", 42);
            assertThat(Chat.receive(bob, 1).get(0).getSeq()).isEqualTo(42);

            h2.restart();
            StoredMessages.await("readiness to return", 20,
                    () -> {
                        try {
                            return AdminHttp.get(server, "/health/ready").statusCode() == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    });
            try (TestClient alice = server.client()) {
                alice.loginOk("alice", "pw-alice");
            }
            assertThat(meters.get("parley.db.breaker.state").gauge().value()).as("closed").isEqualTo(0);
            assertThat(Chat.history(bob, room, 5L, null, 3).getMessagesList()).extracting(m -> m.getSeq())
                    .containsExactly(2L, 3L, 4L);
        } finally {
            h2.stop();
        }
    }
}
