package dev.parley.server;

import dev.parley.client.ClientConfig;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.AdminHttp;
import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown drain against a real server and real clients over loopback: not ready at once
 * while live stays up, every client told it is going away with the reconnect delay, chat served
 * through the drain, logins refused, then the close; the client library waits the delay before
 * its first reconnect attempt.
 */
class DrainTest {

    private static final Duration DRAIN = Duration.ofMillis(1500);
    private static final long BOUNDED_SECONDS = 15;

    @TempDir
    Path dir;

    /** Events of the client library with the time they came, for the reconnect delay. */
    private static final class Events implements ParleyListener {
        final CompletableFuture<Duration> goingAway = new CompletableFuture<>();
        final CompletableFuture<Long> lostAt = new CompletableFuture<>();
        final CompletableFuture<Long> firstRetryAt = new CompletableFuture<>();
        volatile String reason;

        @Override
        public void onGoingAway(String reason, Duration reconnectIn) {
            this.reason = reason;
            goingAway.complete(reconnectIn);
        }

        @Override
        public void onConnectionLost(Throwable cause, boolean deliberate) {
            lostAt.complete(System.nanoTime());
        }

        @Override
        public void onReconnectAttemptFailed(String problem, Duration nextTry) {
            firstRetryAt.complete(System.nanoTime());
        }
    }

    @Test
    void aDrainTurnsNotReadyTellsClientsKeepsServingThenCloses() throws Exception {
        TestServer server = TestServer.start(dir, c -> c.drain(DRAIN));
        Thread closer = new Thread(server::close, "test-closer");
        Events events = new Events();
        ClientConfig config = ClientConfig.builder("127.0.0.1", server.port()).name("amy").password("pw-amy").build();
        try (ParleyClient amy = ParleyClient.open(config, events);
             TestClient bob = server.login("bob")) {
            long room = amy.await(amy.createRoom("drained", 0)).getRoom().getRoomId();
            assertThat(Chat.join(bob, room).getResult()).isEqualTo(Result.OK);
            assertThat(status(server, "/health/ready")).isEqualTo(200);

            long closing = System.nanoTime();
            closer.start();
            HttpResponse<String> notReady = awaitReadyStatus(server, 503);
            assertThat(notReady.body()).contains("\"server\":\"shutting down: draining for up to 1500 ms\"");
            assertThat(status(server, "/health/live")).as("live through the drain").isEqualTo(200);

            // every client is told, with the server's delay; the library adds jitter of up to as much again
            GoingAwayNotify notice = bob.expectSkipping(GoingAwayNotify.class);
            assertThat(notice.getReconnectAfterMs()).isEqualTo(Drain.RECONNECT_AFTER.toMillis());
            Duration reconnectIn = events.goingAway.get(BOUNDED_SECONDS, TimeUnit.SECONDS);
            assertThat(reconnectIn).isBetween(Drain.RECONNECT_AFTER, Drain.RECONNECT_AFTER.multipliedBy(2));
            assertThat(events.reason).isEqualTo("shutting down");

            // chat is still served during the drain
            ChatNotify echo = amy.await(amy.chat("still here"));
            assertThat(echo.getText()).isEqualTo("still here");
            assertThat(bob.expectSkipping(ChatNotify.class).getText()).isEqualTo("still here");

            // a newcomer hears the notice at once and its login is refused with a retry time
            try (TestClient late = server.client()) {
                assertThat(late.expect(GoingAwayNotify.class).getReconnectAfterMs()).isEqualTo(1000);
                late.send(LoginRequest.newBuilder().setName("late").setPassword("pw-late").build());
                ErrorNotify busy = late.expect(ErrorNotify.class);
                assertThat(busy.getResult()).isEqualTo(Result.SERVER_BUSY);
                assertThat(busy.getRequestType()).isEqualTo(MsgType.LOGIN_REQUEST);
                assertThat(busy.getRetryAfterMs()).isGreaterThanOrEqualTo((int) DRAIN.toMillis());
            }

            closer.join(TimeUnit.SECONDS.toMillis(BOUNDED_SECONDS));
            assertThat(closer.isAlive()).as("closed within the bound").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("served for the whole drain")
                    .isGreaterThanOrEqualTo(DRAIN);
            assertThat(bob.awaitClosed(Duration.ofSeconds(BOUNDED_SECONDS))).isTrue();

            // the library's first attempt waits the jittered delay instead of going at once
            long lost = events.lostAt.get(BOUNDED_SECONDS, TimeUnit.SECONDS);
            long retried = events.firstRetryAt.get(BOUNDED_SECONDS, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(retried - lost)).isGreaterThanOrEqualTo(reconnectIn);
        } finally {
            server.close();
        }
    }

    @Test
    void aDrainEndsOnceNoConnectionIsLeft() throws Exception {
        TestServer server = TestServer.start(dir, c -> c.drain(Duration.ofMinutes(1)));
        long closing = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(BOUNDED_SECONDS));
    }

    @Test
    void aSecondCloseCutsTheDrainShort() throws Exception {
        TestServer server = TestServer.start(dir, c -> c.drain(Duration.ofMinutes(1)));
        try (TestClient carol = server.login("carol")) {
            Thread closer = new Thread(server::close, "test-closer");
            closer.start();
            carol.expectSkipping(GoingAwayNotify.class); // the drain has begun
            long cutting = System.nanoTime();
            server.close(); // e.g. a second SIGTERM: returns once the first close has finished
            assertThat(Duration.ofNanos(System.nanoTime() - cutting)).isLessThan(Duration.ofSeconds(BOUNDED_SECONDS));
            closer.join(TimeUnit.SECONDS.toMillis(BOUNDED_SECONDS));
            assertThat(closer.isAlive()).isFalse();
            assertThat(carol.awaitClosed(Duration.ofSeconds(BOUNDED_SECONDS))).isTrue();
        }
    }

    private static int status(TestServer server, String path) throws Exception {
        return AdminHttp.get(server, path).statusCode();
    }

    /** Polls /health/ready as a load balancer would, until it answers {@code status} (bounded). */
    private static HttpResponse<String> awaitReadyStatus(TestServer server, int status) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUNDED_SECONDS);
        while (true) {
            HttpResponse<String> r = AdminHttp.get(server, "/health/ready");
            if (r.statusCode() == status || System.nanoTime() > end) {
                assertThat(r.statusCode()).isEqualTo(status);
                return r;
            }
            Thread.sleep(10);
        }
    }
}
