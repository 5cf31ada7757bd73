package dev.parley.cluster;

import dev.parley.testing.RedisServer;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NodeLease against a real redis-server: registration, renewal, fencing, loss of Redis's data and
 * the sweep of dead nodes. Lease timing runs on a test clock; only the last test waits for Redis's
 * own TTL, which is the behaviour under test there.
 */
class NodeLeaseTest {

    private static final long SECOND = 1_000_000_000L;

    private static RedisServer redis;
    private static RedisLink link;
    private static RedisAsyncCommands<String, byte[]> redisCommands;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        link = RedisLink.connect(redis.uri());
        redisCommands = link.commands();
    }

    @AfterAll
    static void stopRedis() {
        if (link != null) {
            link.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() throws Exception {
        redisCommands.flushall().get(5, TimeUnit.SECONDS);
    }

    @Test
    void registersAnEpochAndRenewalKeepsTheLeaseHeld() throws Exception {
        NodeLease lease = new NodeLease(link, "a", clock::get);
        assertThat(lease.held()).isFalse();

        assertThat(lease.register()).isTrue();

        String epoch = lease.epoch();
        assertThat(epoch).isNotNull();
        assertThat(get(ClusterKeys.nodeLease("a"))).isEqualTo(epoch);
        assertThat(hget(ClusterKeys.nodes(), "a")).isEqualTo(epoch);
        assertThat(get(ClusterKeys.epoch())).isEqualTo(epoch);
        long ttl = redisCommands.pttl(ClusterKeys.nodeLease("a")).get(5, TimeUnit.SECONDS);
        assertThat(ttl).isBetween(1L, NodeLease.TTL.toMillis());
        assertThat(lease.held()).isTrue();

        clock.addAndGet(NodeLease.TTL.minus(NodeLease.SAFETY_MARGIN).toNanos());
        assertThat(lease.held()).as("not renewed for TTL minus the margin").isFalse();

        assertThat(lease.renew()).isEqualTo(NodeLease.Renewal.OK);
        assertThat(lease.held()).isTrue();
        assertThat(lease.epoch()).isEqualTo(epoch);
    }

    @Test
    void aSecondNodeGetsAHigherEpoch() {
        NodeLease a = new NodeLease(link, "a", clock::get);
        NodeLease b = new NodeLease(link, "b", clock::get);
        a.register();
        b.register();
        assertThat(Long.parseLong(b.epoch())).isGreaterThan(Long.parseLong(a.epoch()));
    }

    @Test
    void fencedWhenTheLeaseIsDeletedWhileTheNodesHashListsIt() throws Exception {
        NodeLease lease = new NodeLease(link, "a", clock::get);
        List<String> events = new CopyOnWriteArrayList<>();
        lease.onFenced(() -> events.add("fenced:" + lease.epoch()));
        lease.onLost(() -> events.add("lost"));
        lease.onRegistered(() -> events.add("registered:" + lease.epoch()));
        lease.register();
        String first = lease.epoch();

        redisCommands.del(ClusterKeys.nodeLease("a")).get(5, TimeUnit.SECONDS);

        assertThat(lease.renew()).isEqualTo(NodeLease.Renewal.FENCED);
        String second = lease.epoch();
        assertThat(Long.parseLong(second)).isGreaterThan(Long.parseLong(first));
        assertThat(events).as("the old epoch while fenced").containsExactly("fenced:" + first, "registered:" + second);
        assertThat(get(ClusterKeys.nodeLease("a"))).isEqualTo(second);
        assertThat(lease.held()).isTrue();
    }

    @Test
    void fencedWhenTheLeaseHoldsAnotherEpoch() throws Exception {
        NodeLease lease = new NodeLease(link, "a", clock::get);
        AtomicInteger fenced = new AtomicInteger();
        lease.onFenced(fenced::incrementAndGet);
        lease.register();
        String first = lease.epoch();

        redisCommands.set(ClusterKeys.nodeLease("a"), bytes("999")).get(5, TimeUnit.SECONDS);

        assertThat(lease.renew()).isEqualTo(NodeLease.Renewal.FENCED);
        assertThat(fenced).hasValue(1);
        assertThat(Long.parseLong(lease.epoch())).isGreaterThan(Long.parseLong(first));
        assertThat(get(ClusterKeys.nodeLease("a"))).isEqualTo(lease.epoch());
    }

    @Test
    void lostAfterFlushAllRegistersAgainWithoutReusingAnEpoch() throws Exception {
        NodeLease other = new NodeLease(link, "b", clock::get);
        other.register();
        NodeLease lease = new NodeLease(link, "a", clock::get);
        List<String> events = new CopyOnWriteArrayList<>();
        lease.onFenced(() -> events.add("fenced"));
        lease.onLost(() -> events.add("lost:" + lease.epoch()));
        lease.register();
        String before = lease.epoch();

        redisCommands.flushall().get(5, TimeUnit.SECONDS);

        assertThat(lease.renew()).isEqualTo(NodeLease.Renewal.LOST);
        assertThat(Long.parseLong(lease.epoch())).as("the counter restarted at 0, the epoch did not")
                .isGreaterThan(Long.parseLong(before));
        assertThat(events).containsExactly("lost:" + lease.epoch());
        assertThat(hget(ClusterKeys.nodes(), "a")).isEqualTo(lease.epoch());
        assertThat(lease.held()).isTrue();
    }

    @Test
    void aNodePausedPastItsTtlAndSweptIsFencedNotLost() throws Exception {
        NodeLease lease = new NodeLease(link, "a", clock::get);
        List<String> events = new CopyOnWriteArrayList<>();
        lease.onFenced(() -> events.add("fenced"));
        lease.onLost(() -> events.add("lost"));
        lease.register();
        NodeLease sweeper = new NodeLease(link, "b", clock::get);
        sweeper.register();

        // paused (SIGSTOP) past its TTL: the lease expires and another node sweeps it
        redisCommands.del(ClusterKeys.nodeLease("a")).get(5, TimeUnit.SECONDS);
        assertThat(sweeper.sweep()).containsExactly("a");
        clock.addAndGet(NodeLease.TTL.toNanos() + SECOND);
        assertThat(lease.held()).isFalse();

        assertThat(lease.renew()).isEqualTo(NodeLease.Renewal.FENCED);
        assertThat(events).containsExactly("fenced");
    }

    @Test
    void sweepRemovesADeadNodesPlayersAndMembershipsAndTellsTheRoom() throws Exception {
        NodeLease a = new NodeLease(link, "a", clock::get);
        NodeLease b = new NodeLease(link, "b", clock::get);
        a.register();
        b.register();
        holdings();
        List<String> dead = new CopyOnWriteArrayList<>();
        a.onNodeDead(dead::add);
        BlockingQueue<String> roomEvents = new LinkedBlockingQueue<>();
        try (RedisLink listener = RedisLink.connect(redis.uri())) {
            listener.subscribe(ClusterKeys.roomChannel(7), m -> roomEvents.add(new String(m, StandardCharsets.UTF_8)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(a.sweep()).as("b's lease is alive").isEmpty();
            redisCommands.del(ClusterKeys.nodeLease("b")).get(5, TimeUnit.SECONDS); // expired
            assertThat(a.sweep()).containsExactly("b");

            assertThat(dead).containsExactly("b");
            assertSwept();
            assertThat(roomEvents.poll(5, TimeUnit.SECONDS)).isEqualTo("L42");
            assertNothingMoreOn(roomEvents);
            assertThat(a.sweep()).as("nothing left to sweep").isEmpty();
        }
    }

    @Test
    void twoNodesSweepingAtOnceRemoveTheDeadNodeOnce() throws Exception {
        NodeLease a = new NodeLease(link, "a", clock::get);
        NodeLease b = new NodeLease(link, "b", clock::get);
        a.register();
        b.register();
        holdings();
        BlockingQueue<String> roomEvents = new LinkedBlockingQueue<>();
        try (RedisLink linkC = RedisLink.connect(redis.uri()); RedisLink listener = RedisLink.connect(redis.uri())) {
            NodeLease c = new NodeLease(linkC, "c", clock::get);
            c.register();
            listener.subscribe(ClusterKeys.roomChannel(7), m -> roomEvents.add(new String(m, StandardCharsets.UTF_8)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            redisCommands.del(ClusterKeys.nodeLease("b")).get(5, TimeUnit.SECONDS);

            CompletableFuture<List<String>> byA = CompletableFuture.supplyAsync(a::sweep);
            CompletableFuture<List<String>> byC = CompletableFuture.supplyAsync(c::sweep);
            List<String> all = new ArrayList<>(byA.get(10, TimeUnit.SECONDS));
            all.addAll(byC.get(10, TimeUnit.SECONDS));

            assertThat(all).containsExactly("b");
            assertSwept();
            assertThat(roomEvents.poll(5, TimeUnit.SECONDS)).isEqualTo("L42");
            assertNothingMoreOn(roomEvents);
        }
    }

    @Test
    void closeLeavesTheClusterAtOnce() throws Exception {
        NodeLease b = new NodeLease(link, "b", clock::get);
        b.register();
        redisCommands.hset(ClusterKeys.presence(), "alice", bytes("b")).get(5, TimeUnit.SECONDS);
        redisCommands.sadd(ClusterKeys.nodePlayers("b"), bytes("alice")).get(5, TimeUnit.SECONDS);

        b.close();

        assertThat(get(ClusterKeys.nodeLease("b"))).isNull();
        assertThat(hget(ClusterKeys.nodes(), "b")).isNull();
        assertThat(hget(ClusterKeys.presence(), "alice")).isNull();
        assertThat(b.held()).isFalse();
    }

    @Test
    void aKilledNodesPlayersAreGoneWithinTenSeconds() throws Exception {
        NodeLease b = new NodeLease(link, "b", System::nanoTime);
        b.register(); // and never renewed again: killed
        long killed = System.nanoTime();
        redisCommands.hset(ClusterKeys.presence(), "alice", bytes("b")).get(5, TimeUnit.SECONDS);
        redisCommands.sadd(ClusterKeys.nodePlayers("b"), bytes("alice")).get(5, TimeUnit.SECONDS);
        try (RedisLink linkA = RedisLink.connect(redis.uri())) {
            NodeLease a = new NodeLease(linkA, "a", System::nanoTime);
            a.start();
            try {
                while (hget(ClusterKeys.presence(), "alice") != null
                        && System.nanoTime() - killed < 15 * SECOND) {
                    Thread.sleep(100); // polling for the outcome; the bound below is the behaviour
                }
                long gone = System.nanoTime() - killed;
                assertThat(hget(ClusterKeys.presence(), "alice")).isNull();
                assertThat(gone).as("ns from the last renewal until the sweep").isLessThan(10 * SECOND);
                assertThat(a.held()).isTrue();
            } finally {
                a.close();
            }
        }
    }

    /**
     * Node b holds alice and player 42 in room 7; bob and player 43 were b's but a took them over
     * since (b's sets still list them).
     */
    private static void holdings() throws Exception {
        redisCommands.hset(ClusterKeys.presence(), "alice", bytes("b")).get(5, TimeUnit.SECONDS);
        redisCommands.hset(ClusterKeys.presence(), "bob", bytes("a")).get(5, TimeUnit.SECONDS);
        redisCommands.sadd(ClusterKeys.nodePlayers("b"), bytes("alice"), bytes("bob")).get(5, TimeUnit.SECONDS);
        redisCommands.hset(ClusterKeys.roomMembers(7), "42", bytes("b|member42")).get(5, TimeUnit.SECONDS);
        redisCommands.hset(ClusterKeys.roomMembers(7), "43", bytes("a|member43")).get(5, TimeUnit.SECONDS);
        redisCommands.hset(ClusterKeys.roomMembers(7), "44", bytes("bb|member44")).get(5, TimeUnit.SECONDS);
        redisCommands.sadd(ClusterKeys.nodeMemberships("b"), bytes("7:42"), bytes("7:43")).get(5, TimeUnit.SECONDS);
    }

    private static void assertSwept() throws Exception {
        assertThat(hget(ClusterKeys.presence(), "alice")).isNull();
        assertThat(hget(ClusterKeys.presence(), "bob")).as("a's claim stays").isEqualTo("a");
        assertThat(hget(ClusterKeys.roomMembers(7), "42")).isNull();
        assertThat(hget(ClusterKeys.roomMembers(7), "43")).as("a's membership stays").isEqualTo("a|member43");
        assertThat(hget(ClusterKeys.roomMembers(7), "44")).as("node bb is not node b").isEqualTo("bb|member44");
        assertThat(hget(ClusterKeys.nodes(), "b")).isNull();
        assertThat(hget(ClusterKeys.nodes(), "a")).isNotNull();
        assertThat(redisCommands.exists(ClusterKeys.nodePlayers("b"), ClusterKeys.nodeMemberships("b"))
                .get(5, TimeUnit.SECONDS)).isZero();
    }

    /** Publishes a marker after everything the sweeps published: the marker must come next. */
    private static void assertNothingMoreOn(BlockingQueue<String> events) throws Exception {
        link.publish(ClusterKeys.roomChannel(7), bytes("marker")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("marker");
    }

    private static String get(String key) throws Exception {
        return text(redisCommands.get(key).get(5, TimeUnit.SECONDS));
    }

    private static String hget(String key, String field) throws Exception {
        return text(redisCommands.hget(key, field).get(5, TimeUnit.SECONDS));
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
