package dev.parley.cluster;

import dev.parley.logging.LogLimiter;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This node's registration in the cluster and its liveness: a lease in Redis
 * ({@link ClusterKeys#nodeLease}, holding the node's epoch, with a TTL of {@link #TTL}) renewed
 * every {@link #RENEW_EVERY}, and the sweep that removes the nodes whose lease expired (killed,
 * paused, cut off) from presence and the room member lists.
 *
 * <p>The epoch is the fence: a node's scripts that must not run under a lease it lost (a room's
 * numbering) check {@code GET nodeLease(nodeId) == epoch} inside Redis. Each (re-)registration
 * gets a new epoch, higher than any this node held before, from {@link ClusterKeys#epoch()}.
 *
 * <p>A renewal finds one of three things. OK. FENCED: the lease is gone or holds another epoch
 * although this node was registered (it was declared dead, e.g. paused past its TTL, and maybe
 * swept): its state in the cluster is void, so the {@link #onFenced} listeners run (they close the
 * local sessions), then the node registers again. LOST: the lease and the node's entry are gone
 * while the lease was still valid by this node's own clock: Redis lost its data (restarted
 * empty); the node registers again and the {@link #onLost} listeners re-assert what they hold.
 * After either, the {@link #onRegistered} listeners run with the new epoch in place.
 *
 * <p>Threads: a timer thread of its own ({@code parley-cluster-lease}, started by {@link #start()})
 * renews and sweeps, waiting on Redis for at most {@link RedisLink#COMMAND_TIMEOUT} per step; the
 * listeners run on it and must only hand their work on. {@link #held()}, {@link #nodeId()} and
 * {@link #epoch()} may be called from any thread.
 */
public final class NodeLease implements NodeIdentity, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeLease.class);
    /** While Redis is away every renewal fails: one line per 10 s says so. */
    private static final LogLimiter renewFailures = new LogLimiter(log, Duration.ofSeconds(10));

    /** How long a lease lives in Redis without renewal: a killed node is swept this long (plus a sweep period) after it stopped. */
    public static final Duration TTL = Duration.ofSeconds(5);
    /** How often the lease is renewed and dead nodes swept. */
    public static final Duration RENEW_EVERY = Duration.ofSeconds(1);
    /**
     * {@link #held()} turns false this long before the lease would expire in Redis, counted from
     * when the last successful renewal was sent: room for the two clocks' drift.
     */
    public static final Duration SAFETY_MARGIN = Duration.ofSeconds(1);

    /** What one renewal found. */
    public enum Renewal {
        /** The lease is this node's and was extended. */
        OK,
        /** The node was declared dead while it lived: its cluster state is void (it registers again). */
        FENCED,
        /** Redis lost the node's lease and entry while the lease was valid: Redis lost its data (it registers again). */
        LOST,
        /** Redis did not answer; the lease runs down meanwhile (see {@link #held()}). */
        UNREACHABLE
    }

    /*
     * Every script starts with this prelude. ARGV[1..5] are key templates (ClusterKeys with
     * ID_MARK for the id, ARGV[6]); KEYS[1] = nodes, KEYS[2] = presence, KEYS[3] = presence names. forget(node) removes
     * what a node held from presence and the room member lists (only the entries that are still
     * the node's), tells each room's nodes 'L' .. playerId, and forgets the node itself.
     */
    private static final String PRELUDE = """
            local function fill(t, id)
              local i = string.find(t, ARGV[6], 1, true)
              return string.sub(t, 1, i - 1) .. id .. string.sub(t, i + #ARGV[6])
            end
            local function forget(node)
              local players = fill(ARGV[2], node)
              for _, nameKey in ipairs(redis.call('SMEMBERS', players)) do
                if redis.call('HGET', KEYS[2], nameKey) == node then
                  redis.call('HDEL', KEYS[2], nameKey)
                  redis.call('HDEL', KEYS[3], nameKey)
                end
              end
              local memberships = fill(ARGV[3], node)
              local prefix = node .. '|'
              for _, m in ipairs(redis.call('SMEMBERS', memberships)) do
                local sep = string.find(m, ':', 1, true)
                if sep then
                  local room = string.sub(m, 1, sep - 1)
                  local player = string.sub(m, sep + 1)
                  local members = fill(ARGV[4], room)
                  local v = redis.call('HGET', members, player)
                  if v and string.sub(v, 1, #prefix) == prefix then
                    redis.call('HDEL', members, player)
                    redis.call('PUBLISH', fill(ARGV[5], room), 'L' .. player)
                  end
                end
              end
              redis.call('DEL', players, memberships)
              redis.call('HDEL', KEYS[1], node)
            end
            """;

    /** KEYS[4] = epoch counter; ARGV[7] node id, ARGV[8] TTL ms, ARGV[9] the highest epoch this node held ("0": none). */
    private static final LuaScript REGISTER = LuaScript.of("node-register", PRELUDE + """
            forget(ARGV[7])
            local e = redis.call('INCR', KEYS[4])
            local previous = tonumber(ARGV[9])
            if e <= previous then
              e = previous + 1
              redis.call('SET', KEYS[4], tostring(e))
            end
            e = tostring(e)
            redis.call('SET', fill(ARGV[1], ARGV[7]), e, 'PX', ARGV[8])
            redis.call('HSET', KEYS[1], ARGV[7], e)
            return e
            """);

    /** ARGV[7] node id, ARGV[8] TTL ms, ARGV[9] epoch. */
    private static final LuaScript RENEW = LuaScript.of("node-renew", PRELUDE + """
            local lease = fill(ARGV[1], ARGV[7])
            local v = redis.call('GET', lease)
            if v == ARGV[9] then
              redis.call('PEXPIRE', lease, ARGV[8])
              return 'OK'
            end
            if v then return 'OTHER' end
            if redis.call('HEXISTS', KEYS[1], ARGV[7]) == 1 then return 'LISTED' end
            return 'GONE'
            """);

    private static final LuaScript SWEEP = LuaScript.of("node-sweep", PRELUDE + """
            local dead = {}
            for _, node in ipairs(redis.call('HKEYS', KEYS[1])) do
              if redis.call('EXISTS', fill(ARGV[1], node)) == 0 then
                forget(node)
                dead[#dead + 1] = node
              end
            end
            return dead
            """);

    /** ARGV[7] node id, ARGV[9] epoch: a node that stops leaves at once, unless another epoch holds its lease by now. */
    private static final LuaScript DEREGISTER = LuaScript.of("node-deregister", PRELUDE + """
            local lease = fill(ARGV[1], ARGV[7])
            if redis.call('GET', lease) == ARGV[9] then
              forget(ARGV[7])
              redis.call('DEL', lease)
              return 1
            end
            return 0
            """);

    /** How often a start checks whether an earlier process's lease on this node id has expired. */
    private static final long WAIT_STEP_MS = 250;

    private final RedisLink link;
    private final String nodeId;
    private final LongSupplier nanoClock;
    private final List<Runnable> fencedListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> lostListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> registeredListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> deadListeners = new CopyOnWriteArrayList<>();
    /** The epoch of the last registration; null before the first. */
    private volatile String epoch;
    /** Whether the node is registered under {@link #epoch} (false from a fence or loss until it registers again). */
    private volatile boolean registered;
    /** The highest epoch this node ever held: a new one is always above it. */
    private volatile long highestEpoch;
    /** {@link #nanoClock} when the last successful registration or renewal was sent. */
    private volatile long renewedAt;
    private ScheduledExecutorService timer;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own)
     */
    public NodeLease(RedisLink link, String nodeId, LongSupplier nanoClock) {
        this.link = link;
        this.nodeId = nodeId;
        this.nanoClock = nanoClock;
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * The epoch of this node's lease, as scripts take it (ARGV); after a fence or loss the old one
     * until the node registered again (scripts fenced on it then refuse). Null before {@link #start()}.
     */
    public String epoch() {
        return epoch;
    }

    /**
     * Whether this node may act under its lease now: registered, and the last successful renewal
     * was sent less than {@link #TTL} minus {@link #SAFETY_MARGIN} ago by this node's own clock
     * (a node paused or cut off from Redis learns this without asking Redis).
     */
    public boolean held() {
        return registered && nanoClock.getAsLong() - renewedAt < TTL.minus(SAFETY_MARGIN).toNanos();
    }

    /** Runs when the node finds it was declared dead while it lived; before it registers again. */
    public void onFenced(Runnable listener) {
        fencedListeners.add(listener);
    }

    /** Runs when Redis lost the cluster's data (restarted empty), after the node registered again: re-assert. */
    public void onLost(Runnable listener) {
        lostListeners.add(listener);
    }

    /** Runs after each registration that follows a fence or a loss, with the new {@link #epoch()} in place. */
    public void onRegistered(Runnable listener) {
        registeredListeners.add(listener);
    }

    /** Runs with the id of each node this node's sweep removed. */
    public void onNodeDead(Consumer<String> listener) {
        deadListeners.add(listener);
    }

    /**
     * Registers this node for the first time and starts renewing and sweeping. A lease held by an
     * earlier process with the same node id (killed a moment ago) is waited out for up to
     * {@link #TTL}; then whatever that process held is removed as a dead node's would be.
     *
     * @throws IOException when Redis does not answer, or a live node holds this node id
     */
    public void start() throws IOException {
        long deadline = System.nanoTime() + TTL.plus(RENEW_EVERY).toNanos();
        try {
            while (link.commands().exists(ClusterKeys.nodeLease(nodeId)).get(timeoutMs(), TimeUnit.MILLISECONDS) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("node id " + nodeId + " is in use by a running node (its lease in Redis is "
                            + "renewed): give each node its own --node-id");
                }
                Thread.sleep(WAIT_STEP_MS); // an earlier process's lease expires by itself within TTL
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering in the cluster", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot register in the cluster's Redis: " + RedisLink.rootMessage(e), e);
        }
        if (!register()) {
            throw new IOException("cannot register in the cluster's Redis (see the log)");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-cluster-lease");
            t.setDaemon(true);
            return t;
        });
        long period = RENEW_EVERY.toMillis();
        timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** One period's work: register again if not registered, else renew; then sweep. */
    void tick() {
        try {
            if (!registered) {
                if (register()) {
                    fire(registeredListeners);
                }
            } else {
                renew();
            }
            if (registered) {
                sweep();
            }
        } catch (RuntimeException e) {
            log.warn("cluster lease: {}", e.toString(), e);
        }
    }

    /**
     * Registers (again): a new epoch above every earlier one, the lease and the node's entry, after
     * removing whatever this node id still held in Redis (an earlier process's or epoch's state).
     *
     * @return false when Redis did not answer (the node stays unregistered and tries again)
     */
    boolean register() {
        long sent = nanoClock.getAsLong();
        try {
            byte[] e = call(REGISTER, keys(ClusterKeys.epoch()),
                    nodeId, Long.toString(TTL.toMillis()), Long.toString(highestEpoch));
            String next = new String(e, StandardCharsets.UTF_8);
            highestEpoch = Math.max(highestEpoch, Long.parseLong(next));
            renewedAt = sent;
            epoch = next;
            this.registered = true;
            log.info("cluster node {} registered with epoch {}", nodeId, next);
            return true;
        } catch (RuntimeException failure) {
            renewFailures.warn("cluster node {} cannot register: {}", nodeId, RedisLink.rootMessage(failure));
            return false;
        }
    }

    /** Renews the lease once, and handles a fence or a loss (see the class comment). */
    public Renewal renew() {
        String current = epoch;
        if (!registered) {
            return Renewal.FENCED;
        }
        long sent = nanoClock.getAsLong();
        boolean heldWhenSent = held();
        byte[] answer;
        try {
            answer = call(RENEW, keys(), nodeId,
                    Long.toString(TTL.toMillis()), current);
        } catch (RuntimeException failure) {
            renewFailures.warn("cluster lease of {} not renewed: {}", nodeId, RedisLink.rootMessage(failure));
            return Renewal.UNREACHABLE;
        }
        String found = new String(answer, StandardCharsets.UTF_8);
        if (found.equals("OK")) {
            renewedAt = sent;
            return Renewal.OK;
        }
        registered = false;
        if (found.equals("GONE") && heldWhenSent) {
            log.warn("cluster node {}: Redis lost the cluster's state (restarted empty?); registering again and "
                    + "re-asserting this node's players", nodeId);
            if (register()) {
                fire(lostListeners);
                fire(registeredListeners);
            }
            return Renewal.LOST;
        }
        log.warn("cluster node {} lost its lease (epoch {}, found {}): it was declared dead, e.g. paused past the "
                + "lease TTL; closing its sessions and registering again", nodeId, current, found);
        fire(fencedListeners);
        if (register()) {
            fire(registeredListeners);
        }
        return Renewal.FENCED;
    }

    /**
     * Removes every node whose lease expired, with its players and room memberships (see
     * ClusterKeys); several nodes may sweep at once, each dead node is removed by exactly one.
     *
     * @return the ids of the nodes this sweep removed (empty when Redis did not answer)
     */
    public List<String> sweep() {
        List<Object> dead;
        try {
            dead = call(SWEEP, ScriptOutputType.MULTI, keys());
        } catch (RuntimeException failure) {
            log.debug("sweep of dead nodes failed: {}", RedisLink.rootMessage(failure));
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (Object d : dead) {
            String id = new String((byte[]) d, StandardCharsets.UTF_8);
            ids.add(id);
            log.info("cluster node {} is dead (its lease expired): removed its players and room memberships", id);
            for (Consumer<String> l : deadListeners) {
                try {
                    l.accept(id);
                } catch (RuntimeException e) {
                    log.warn("node-dead listener failed", e);
                }
            }
        }
        return ids;
    }

    /**
     * Stops renewing and leaves the cluster at once (its players and memberships removed as a dead
     * node's), unless it no longer holds its lease.
     */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(RedisLink.COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String current = epoch;
        boolean wasRegistered = registered;
        registered = false;
        if (wasRegistered && link.reachable()) {
            try {
                call(DEREGISTER, ScriptOutputType.INTEGER, keys(),
                        nodeId, "0", current);
            } catch (RuntimeException e) {
                log.warn("cluster node {} did not deregister ({}); it is swept when its lease expires", nodeId,
                        RedisLink.rootMessage(e));
            }
        }
    }

    /** The KEYS every script of the prelude takes (nodes, presence, presence names), then {@code more}. */
    private static String[] keys(String... more) {
        String[] keys = new String[3 + more.length];
        keys[0] = ClusterKeys.nodes();
        keys[1] = ClusterKeys.presence();
        keys[2] = ClusterKeys.presenceNames();
        System.arraycopy(more, 0, keys, 3, more.length);
        return keys;
    }

    private byte[] call(LuaScript script, String[] keys, String... args) {
        return call(script, ScriptOutputType.VALUE, keys, args);
    }

    /** Runs {@code script} with the key templates first, then {@code args} as ARGV[7..]; waits for its answer. */
    private <T> T call(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        byte[][] argv = new byte[6 + args.length][];
        argv[0] = bytes(ClusterKeys.nodeLease(ClusterKeys.ID_MARK));
        argv[1] = bytes(ClusterKeys.nodePlayers(ClusterKeys.ID_MARK));
        argv[2] = bytes(ClusterKeys.nodeMemberships(ClusterKeys.ID_MARK));
        argv[3] = bytes(ClusterKeys.roomMembersTemplate());
        argv[4] = bytes(ClusterKeys.roomChannelTemplate());
        argv[5] = bytes(ClusterKeys.ID_MARK);
        for (int i = 0; i < args.length; i++) {
            argv[6 + i] = bytes(args[i]);
        }
        CompletableFuture<T> answer = link.eval(script, type, keys, argv);
        try {
            return answer.get(timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(RedisLink.rootMessage(e), e);
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(false);
            throw new IllegalStateException("no answer within " + timeoutMs() + " ms", e);
        }
    }

    private static long timeoutMs() {
        return RedisLink.COMMAND_TIMEOUT.toMillis() + 500;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void fire(List<Runnable> listeners) {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("cluster lease listener failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "node " + nodeId + " epoch " + epoch;
    }
}
