package dev.parley.cluster;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.RedisServer;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two ClusterPresence instances, two nodes "a" and "b", on one real redis-server. */
class ClusterPresenceTest {

    private static RedisServer redis;
    private static RedisLink admin;

    private RedisLink linkA;
    private RedisLink linkB;
    private ClusterPresence a;
    private ClusterPresence b;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        admin = RedisLink.connect(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        if (admin != null) {
            admin.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void twoNodes() throws Exception {
        admin.commands().flushall().get(5, TimeUnit.SECONDS);
        linkA = RedisLink.connect(redis.uri());
        linkB = RedisLink.connect(redis.uri());
        a = new ClusterPresence(linkA, "a");
        b = new ClusterPresence(linkB, "b");
    }

    @AfterEach
    void closeLinks() throws Exception {
        a.settled().get(5, TimeUnit.SECONDS);
        b.settled().get(5, TimeUnit.SECONDS);
        linkA.close();
        linkB.close();
    }

    @Test
    void aLoginIsMirroredToRedisAndItsLogoutRemovesIt() throws Exception {
        FakePlayer alice = new FakePlayer(1, "Alice", a);
        assertThat(a.replace("Alice", alice)).isNull();
        assertThat(a.find("alice")).isSameAs(alice);
        awaitHolder("alice", "a");
        assertThat(members(ClusterKeys.nodePlayers("a"))).isTrue();
        await(() -> linkA.subscribed(ClusterKeys.playerChannel("alice")), "a listens to alice's channel");

        a.release("Alice", alice);

        awaitHolder("alice", null);
        await(() -> !linkA.subscribed(ClusterKeys.playerChannel("alice")), "a stops listening to alice's channel");
        assertThat(a.online()).isZero();
    }

    @Test
    void aLoginOnNodeBClosesTheSessionOnNodeA() throws Exception {
        FakePlayer onA = new FakePlayer(1, "alice", a);
        a.replace("alice", onA);
        awaitHolder("alice", "a");

        FakePlayer onB = new FakePlayer(1, "Alice", b);
        assertThat(b.replace("Alice", onB)).as("no session of this node to replace").isNull();

        assertThat(onA.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Result.SESSION_REPLACED);
        assertThat(onA.reason).isEqualTo(ClusterPresence.REPLACED);
        assertThat(onB.closed).isNotDone();
        awaitHolder("alice", "b");
        await(() -> !linkA.subscribed(ClusterKeys.playerChannel("alice")), "a stops listening to alice's channel");
        assertThat(a.find("alice")).isNull();
        assertThat(b.find("alice")).isSameAs(onB);
        assertThat(admin.commands().sismember(ClusterKeys.nodePlayers("a"), bytes("alice")).get(5, TimeUnit.SECONDS))
                .isFalse();
    }

    @Test
    void twoLoginsAtOnceOnTwoNodesLeaveExactlyOneSessionTheOneRedisNames() throws Exception {
        for (int i = 0; i < 30; i++) {
            String name = "p" + i;
            FakePlayer onA = new FakePlayer(i, name, a);
            FakePlayer onB = new FakePlayer(i, name, b);
            CompletableFuture<?> loginA = CompletableFuture.runAsync(() -> a.replace(name, onA));
            CompletableFuture<?> loginB = CompletableFuture.runAsync(() -> b.replace(name, onB));
            CompletableFuture.allOf(loginA, loginB).get(5, TimeUnit.SECONDS);

            CompletableFuture.anyOf(onA.closed, onB.closed).get(5, TimeUnit.SECONDS);
            a.settled(name).get(5, TimeUnit.SECONDS);
            b.settled(name).get(5, TimeUnit.SECONDS);
            FakePlayer survivor = onA.closed.isDone() ? onB : onA;
            assertThat(onA.closed.isDone() && onB.closed.isDone()).as(name + ": both closed").isFalse();
            assertThat(holder(name)).as(name).isEqualTo(survivor == onA ? "a" : "b");
        }
    }

    @Test
    void aTakeoverOnTheSameNodeIsLocalAndKeepsTheClaim() throws Exception {
        FakePlayer first = new FakePlayer(1, "alice", a);
        a.replace("alice", first);
        FakePlayer second = new FakePlayer(1, "alice", a);

        assertThat(a.replace("alice", second)).as("LoginFlow disconnects it").isSameAs(first);
        a.release("alice", first); // the old session's close

        a.settled("alice").get(5, TimeUnit.SECONDS);
        assertThat(holder("alice")).isEqualTo("a");
        assertThat(linkA.subscribed(ClusterKeys.playerChannel("alice"))).isTrue();
        assertThat(a.find("alice")).isSameAs(second);
        assertThat(second.closed).isNotDone();
    }

    @Test
    void reachDeliversToAndDisconnectsAPlayerOnTheOtherNode() throws Exception {
        FakePlayer bob = new FakePlayer(7, "Bob", b);
        b.replace("Bob", bob);
        awaitHolder("bob", "b");

        assertThat(a.find("bob")).as("find is this node's only").isNull();
        OnlinePlayer reached = a.reach("BOB", 7);
        assertThat(reached).isInstanceOf(RemotePlayer.class);
        assertThat(reached.playerId()).isEqualTo(7);
        DirectMessageNotify dm = DirectMessageNotify.newBuilder()
                .setSender(Member.newBuilder().setPlayerId(3).setName("carol"))
                .setRecipient(Member.newBuilder().setPlayerId(7).setName("Bob")).setSeq(12).setText("hi")
                .build();
        reached.send(dm);
        assertThat(bob.received.poll(5, TimeUnit.SECONDS)).isEqualTo(dm);

        a.reach("bob", 8).send(dm); // an earlier holder's id: the node holding bob drops it
        reached.disconnect(Result.BANNED, "banned until tomorrow").get(5, TimeUnit.SECONDS);
        assertThat(bob.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Result.BANNED);
        assertThat(bob.reason).isEqualTo("banned until tomorrow");
        assertThat(bob.received).as("the message for another player id").isEmpty();

        awaitHolder("bob", null);
        assertThat(a.reach("bob", 7)).as("offline").isNull();
        assertThat(a.reach("nobody", 1)).isNull();
    }

    @Test
    void reachReturnsTheLocalPlayerWithoutAskingRedis() {
        FakePlayer alice = new FakePlayer(1, "alice", a);
        a.replace("alice", alice);
        assertThat(a.reach("Alice", 1)).isSameAs(alice);
        assertThat(a.reach("alice", 2)).as("another account's id").isNull();
    }

    @Test
    void releaseDoesNotRemoveAnotherNodesClaim() throws Exception {
        FakePlayer onA = new FakePlayer(1, "alice", a);
        a.replace("alice", onA);
        awaitHolder("alice", "a");
        FakePlayer onB = new FakePlayer(1, "alice", b);
        b.replace("alice", onB);
        onA.closed.get(5, TimeUnit.SECONDS); // closed and released on a

        a.release("alice", onA); // a late second release, too
        a.settled("alice").get(5, TimeUnit.SECONDS);

        assertThat(holder("alice")).isEqualTo("b");
        assertThat(onB.closed).isNotDone();
    }

    @Test
    void reassertAllWritesBackWhatRedisLost() throws Exception {
        FakePlayer alice = new FakePlayer(1, "alice", a);
        a.replace("alice", alice);
        awaitHolder("alice", "a");
        admin.commands().flushall().get(5, TimeUnit.SECONDS);

        a.reassertAll();

        awaitHolder("alice", "a");
        assertThat(members(ClusterKeys.nodePlayers("a"))).isTrue();
        assertThat(alice.closed).isNotDone();
    }

    @Test
    void reassertAllClosesAPlayerAnotherNodeClaimedMeanwhileAndReleasesStaleNames() throws Exception {
        FakePlayer alice = new FakePlayer(1, "alice", a);
        a.replace("alice", alice);
        awaitHolder("alice", "a");
        // while a was cut off: b claimed alice (a missed the takeover), and a's release of carol was lost
        admin.commands().hset(ClusterKeys.presence(), "alice", bytes("b")).get(5, TimeUnit.SECONDS);
        admin.commands().hset(ClusterKeys.presence(), "carol", bytes("a")).get(5, TimeUnit.SECONDS);
        admin.commands().sadd(ClusterKeys.nodePlayers("a"), bytes("carol")).get(5, TimeUnit.SECONDS);

        a.reassertAll();

        assertThat(alice.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Result.SESSION_REPLACED);
        awaitHolder("carol", null);
        assertThat(holder("alice")).isEqualTo("b");
    }

    @Test
    void closeAllClosesEveryLocalSessionWithAReason() throws Exception {
        FakePlayer alice = new FakePlayer(1, "alice", a);
        FakePlayer bob = new FakePlayer(2, "bob", a);
        a.replace("alice", alice);
        a.replace("bob", bob);

        a.closeAll();

        assertThat(alice.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Result.SERVER_BUSY);
        assertThat(bob.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Result.SERVER_BUSY);
        assertThat(bob.reason).isEqualTo(ClusterPresence.FENCED);
        assertThat(a.online()).isZero();
    }

    @Test
    void duplicateLoginRefuseIsNotSupported() {
        assertThatThrownBy(() -> a.claim("alice", new FakePlayer(1, "alice", a)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cluster mode");
    }

    private static boolean members(String set) throws Exception {
        return admin.commands().sismember(set, bytes("alice")).get(5, TimeUnit.SECONDS);
    }

    private static String holder(String nameKey) throws Exception {
        byte[] v = admin.commands().hget(ClusterKeys.presence(), nameKey).get(5, TimeUnit.SECONDS);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Waits for the asynchronous mirror to show {@code node} (null: no one) holding the name. */
    private static void awaitHolder(String nameKey, String node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String found = holder(nameKey);
        while (!java.util.Objects.equals(found, node) && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling for an asynchronous write, not timing it
            found = holder(nameKey);
        }
        assertThat(found).as("holder of " + nameKey).isEqualTo(node);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling for an asynchronous step, not timing it
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A connected player as a session would be: a disconnect leaves presence, as a closing session does. */
    private static final class FakePlayer implements OnlinePlayer {
        final long id;
        final String name;
        final Presence presence;
        final BlockingQueue<MessageLite> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Result> closed = new CompletableFuture<>();
        volatile String reason;

        FakePlayer(long id, String name, Presence presence) {
            this.id = id;
            this.name = name;
            this.presence = presence;
        }

        @Override
        public long playerId() {
            return id;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void send(MessageLite message) {
            received.add(message);
        }

        @Override
        public synchronized CompletableFuture<Void> disconnect(Result result, String why) {
            if (!closed.isDone()) {
                reason = why;
                presence.release(name, this);
                closed.complete(result);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String toString() {
            return name + "#" + id;
        }
    }
}
