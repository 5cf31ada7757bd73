package dev.parley.server;

import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.AdminHttp;
import dev.parley.testing.PostgresTestDatabase;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence across two nodes end to end: two servers on one PostgreSQL database and one real
 * redis-server, real clients over loopback. A login on node B takes the session over from node A;
 * a direct message sent on one node reaches its recipient on the other; readiness names the
 * cluster when Redis is gone.
 */
class ClusterPresenceFlowTest {

    @TempDir
    Path dir;
    private RedisServer redis;
    private PostgresTestDatabase db;
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        db = PostgresTestDatabase.create();
        nodeA = node("a");
        nodeB = node("b");
    }

    private TestServer node(String id) throws Exception {
        return TestServer.start(dir.resolve(id), c -> c.dbUrl(db.url()).dbUser(PostgresTestDatabase.USER)
                .clusterRedis(redis.uri()).nodeId(id).rateLimit(0));
    }

    @AfterEach
    void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (db != null) {
            db.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aLoginOnNodeBTakesTheSessionOverFromNodeA() throws Exception {
        try (TestClient first = nodeA.login("alice"); TestClient second = nodeB.client()) {
            LoginResponse r = second.login("alice", "pw-alice");

            assertThat(r.getResult()).isEqualTo(Result.OK);
            ErrorNotify e = first.expect(ErrorNotify.class);
            assertThat(e.getResult()).isEqualTo(Result.SESSION_REPLACED);
            assertThat(first.awaitClosed(Duration.ofSeconds(5))).isTrue();
            nodeA.awaitConnections(0);
        }
    }

    @Test
    void aDirectMessageReachesItsRecipientOnTheOtherNode() throws Exception {
        try (TestClient bob = nodeB.login("bob"); TestClient alice = nodeA.login("alice")) {
            alice.send(DirectMessageRequest.newBuilder().setToName("bob").setText("hello across").setClientMsgId(1)
                    .build());
            assertThat(alice.expect(DirectMessageNotify.class).getText()).isEqualTo("hello across");

            DirectMessageNotify got = bob.expect(DirectMessageNotify.class);
            assertThat(got.getText()).isEqualTo("hello across");
            assertThat(got.getSender().getName()).isEqualTo("alice");
        }
    }

    @Test
    void readinessNamesTheClusterWhileRedisIsGone() throws Exception {
        assertThat(AdminHttp.get(nodeA, "/health/ready").statusCode()).isEqualTo(200);

        redis.stop();

        HttpResponse<String> ready = AdminHttp.get(nodeA, "/health/ready");
        long end = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        while (ready.statusCode() == 200 && System.nanoTime() < end) {
            Thread.sleep(50); // the link notices the lost connection by itself, a moment later
            ready = AdminHttp.get(nodeA, "/health/ready");
        }
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("cluster");
    }
}
