package dev.parley.cluster;

import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.logging.LogLimiter;
import dev.parley.protocol.pb.Result;
import dev.parley.store.AccountStore;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Presence across the nodes of a cluster. This node's connections live in a {@link LocalPresence}
 * (answered at once, as on one node, including a takeover between two connections of this node);
 * each change is mirrored into Redis afterwards: {@link ClusterKeys#presence()} maps each online
 * name to the node holding it and {@link ClusterKeys#nodePlayers} lists a node's names (for the
 * sweep, see {@link NodeLease}).
 *
 * <p>A login claims its name with one script that also publishes a takeover ({@link PlayerCommand})
 * on the player's channel when another node held the name; each node listens to the channels of
 * its own players only (subscribed before the claim is published), and a node told that another
 * node took a player over closes its session with {@code SESSION_REPLACED}, after checking in
 * Redis that its own claim is not the newer one. {@link #reach} finds a player on another node
 * and returns a {@link RemotePlayer} that delivers through that channel.
 *
 * <p>Threads: any thread. The Redis work of one name runs in order (a queue per name) on
 * Lettuce's threads and never blocks the caller; only {@link #reach} waits for Redis. When Redis
 * is unreachable the local presence keeps working; {@link #reassertAll()} (on reconnect and after
 * the node registered again) writes it back.
 */
public final class ClusterPresence implements Presence {

    private static final Logger log = LoggerFactory.getLogger(ClusterPresence.class);
    private static final LogLimiter failures = new LogLimiter(log, Duration.ofSeconds(1));

    /** How long {@link #reach} waits for Redis to say where a player is; on time-out the player counts as offline. */
    public static final Duration REACH_TIMEOUT = Duration.ofSeconds(1);
    static final String REPLACED = "you logged in on another connection";
    static final String FENCED = "this node lost its cluster lease; reconnect";

    /**
     * KEYS: presence, nodePlayers(node), presenceNames, playerChannel(key); ARGV: name key, node.
     * Returns the node that held the name before (or nil). The name's presenceNames entry is
     * written once the login completes ({@link #bound}); an earlier session's entry names the same
     * account meanwhile.
     */
    private static final LuaScript CLAIM = LuaScript.of("presence-claim", """
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[1])
            if old and old ~= ARGV[2] then
              redis.call('PUBLISH', KEYS[4], 'T' .. ARGV[2])
            end
            return old
            """);

    /** KEYS: presence, nodePlayers(node), presenceNames; ARGV: name key, node. Leaves another node's claim alone. */
    private static final LuaScript RELEASE = LuaScript.of("presence-release", """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('HDEL', KEYS[3], ARGV[1])
            end
            redis.call('SREM', KEYS[2], ARGV[1])
            return 1
            """);

    /**
     * KEYS: presence, nodePlayers(node), presenceNames; ARGV: name key, node, player id + ' ' +
     * name (absent while the login is not complete). Writes back a claim this node holds locally unless another node claimed the name
     * meanwhile (0: it did, the local one goes).
     */
    private static final LuaScript REASSERT = LuaScript.of("presence-reassert", """
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            if old and old ~= ARGV[2] then
              redis.call('SREM', KEYS[2], ARGV[1])
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if ARGV[3] then
              redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
            end
            redis.call('SADD', KEYS[2], ARGV[1])
            return 1
            """);

    /** KEYS: presence, nodePlayers(node), presenceNames; ARGV: name key, node, player id + ' ' + name. */
    private static final LuaScript NAME = LuaScript.of("presence-name", """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
              redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
              return 1
            end
            return 0
            """);

    private final LocalPresence local = new LocalPresence();
    private final RedisLink link;
    private final String nodeId;
    /** Per name key: the last Redis step queued for it; removed when it completes with nothing after it. */
    private final ConcurrentMap<String, CompletableFuture<Void>> queues = new ConcurrentHashMap<>();

    public ClusterPresence(RedisLink link, String nodeId) {
        this.link = link;
        this.nodeId = nodeId;
    }

    /** Not in a cluster: duplicate-login refuse cannot be decided on one node (ServerConfig refuses the combination). */
    @Override
    public boolean claim(String name, OnlinePlayer player) {
        throw new UnsupportedOperationException("duplicate-login refuse is not supported in cluster mode: a login "
                + "takes the name over wherever it was online (duplicate-login replace)");
    }

    @Override
    public OnlinePlayer replace(String name, OnlinePlayer player) {
        OnlinePlayer previous = local.replace(name, player);
        String key = AccountStore.nameKey(name);
        queue(key, () -> link.subscribe(ClusterKeys.playerChannel(key), command -> onCommand(key, command))
                .thenCompose(v -> script(CLAIM, ScriptOutputType.VALUE, key, null, ClusterKeys.playerChannel(key))));
        return previous;
    }

    /** The login of {@code player} completed: the cluster lists it (with its id) from now on. */
    @Override
    public void bound(String name, OnlinePlayer player) {
        String key = AccountStore.nameKey(name);
        queue(key, () -> local.find(key) == player && who(player) != null
                ? script(NAME, ScriptOutputType.INTEGER, key, who(player))
                : CompletableFuture.completedFuture(null));
    }

    @Override
    public void release(String name, OnlinePlayer player) {
        local.release(name, player);
        String key = AccountStore.nameKey(name);
        queue(key, () -> releaseStep(key));
    }

    /** This node's connection for {@code name}, or null: never another node's (see {@link #reach}). */
    @Override
    public OnlinePlayer find(String name) {
        return local.find(name);
    }

    /**
     * The player's connection here, or a {@link RemotePlayer} when the cluster's presence says
     * another node holds the name; null when offline or when Redis does not answer within
     * {@link #REACH_TIMEOUT}. Waits for Redis when the player is not connected here.
     */
    @Override
    public OnlinePlayer reach(String name, long playerId) {
        OnlinePlayer here = local.find(name);
        if (here != null) {
            return here.playerId() == playerId ? here : null;
        }
        String key = AccountStore.nameKey(name);
        byte[] holder;
        try {
            holder = link.commands().hget(ClusterKeys.presence(), key)
                    .get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            failures.warn("cannot ask the cluster where {} is ({}): treated as offline", name,
                    RedisLink.rootMessage(e));
            return null;
        }
        if (holder == null) {
            return null;
        }
        String node = new String(holder, StandardCharsets.UTF_8);
        // this node's own name in Redis without a local connection: a release still on its way
        return node.equals(nodeId) ? null : new RemotePlayer(link, key, playerId, name, node);
    }

    /** This node's players. */
    @Override
    public Collection<OnlinePlayer> players() {
        return local.players();
    }

    /**
     * This node's players and, from {@link ClusterKeys#presence()} and
     * {@link ClusterKeys#presenceNames()}, the other nodes' (as {@link RemotePlayer}s): two
     * pipelined reads, nothing waits for them. Fails when Redis does not answer.
     */
    @Override
    public CompletableFuture<List<OnlinePlayer>> everywhere() {
        CompletableFuture<Map<String, byte[]>> nodes = link.commands().hgetall(ClusterKeys.presence())
                .toCompletableFuture();
        CompletableFuture<Map<String, byte[]>> names = link.commands().hgetall(ClusterKeys.presenceNames())
                .toCompletableFuture();
        return nodes.thenCombine(names, (byNode, byName) -> {
            List<OnlinePlayer> all = new ArrayList<>();
            for (OnlinePlayer p : local.players()) {
                if (p.name() != null) { // a login still in progress is listed once complete
                    all.add(p);
                }
            }
            byNode.forEach((key, holder) -> {
                String node = new String(holder, StandardCharsets.UTF_8);
                byte[] who = byName.get(key);
                if (!node.equals(nodeId) && who != null) {
                    String text = new String(who, StandardCharsets.UTF_8);
                    int space = text.indexOf(' ');
                    try {
                        all.add(new RemotePlayer(link, key, Long.parseLong(text.substring(0, Math.max(space, 0))),
                                text.substring(space + 1), node));
                    } catch (NumberFormatException e) {
                        failures.warn("ignored the malformed presence entry of {}: '{}'", key, text);
                    }
                }
            });
            return all;
        });
    }

    /** How many players this node holds. */
    @Override
    public int online() {
        return local.online();
    }

    /** Closes every local session: this node's lease was lost, so its players must log in again (anywhere). */
    public void closeAll() {
        Collection<OnlinePlayer> all = local.players();
        if (!all.isEmpty()) {
            log.warn("closing {} session(s): this node lost its cluster lease", all.size());
        }
        for (OnlinePlayer p : all) {
            p.disconnect(Result.SERVER_BUSY, FENCED);
        }
    }

    /**
     * Writes this node's players back into Redis (after Redis lost them, or was unreachable
     * meanwhile), closing those another node claimed meanwhile, and releases the names Redis
     * still lists for this node that it no longer holds. Any thread; does not wait.
     */
    public void reassertAll() {
        Set<String> held = new HashSet<>();
        for (OnlinePlayer p : local.players()) {
            String key = AccountStore.nameKey(p.name());
            held.add(key);
            queue(key, () -> reassertStep(key));
        }
        link.commands().smembers(ClusterKeys.nodePlayers(nodeId)).thenAccept(listed -> {
            for (byte[] k : listed) {
                String key = new String(k, StandardCharsets.UTF_8);
                if (!held.contains(key)) {
                    queue(key, () -> releaseStep(key));
                }
            }
        }).exceptionally(e -> {
            failures.warn("cannot list this node's players in Redis: {}", RedisLink.rootMessage(e));
            return null;
        });
    }

    /** Completes once every Redis step queued so far has run (a stopping node waits for its last releases). */
    public CompletableFuture<Void> settled() {
        return CompletableFuture.allOf(queues.values().toArray(CompletableFuture[]::new));
    }

    /** Completes once the Redis steps queued so far for {@code name} have run (tests). */
    CompletableFuture<Void> settled(String name) {
        CompletableFuture<Void> tail = queues.get(AccountStore.nameKey(name));
        return tail == null ? CompletableFuture.completedFuture(null) : tail;
    }

    private CompletionStage<?> releaseStep(String key) {
        if (local.find(key) != null) {
            return CompletableFuture.completedFuture(null); // a newer connection of this node holds the name
        }
        return script(RELEASE, ScriptOutputType.INTEGER, key, null).thenCompose(v -> local.find(key) == null
                ? link.unsubscribe(ClusterKeys.playerChannel(key)) : CompletableFuture.completedFuture(null));
    }

    private CompletionStage<?> reassertStep(String key) {
        OnlinePlayer player = local.find(key);
        if (player == null) {
            return CompletableFuture.completedFuture(null);
        }
        return link.subscribe(ClusterKeys.playerChannel(key), command -> onCommand(key, command))
                .thenCompose(v -> script(REASSERT, ScriptOutputType.INTEGER, key, who(player)))
                .thenAccept(kept -> {
                    if (Long.valueOf(0).equals(kept) && local.find(key) == player) {
                        log.info("[{}] was taken over on another node while Redis was away", player);
                        player.disconnect(Result.SESSION_REPLACED, REPLACED);
                    }
                });
    }

    /** A command on a local player's channel (a Lettuce thread). */
    private void onCommand(String key, byte[] bytes) {
        PlayerCommand command;
        try {
            command = PlayerCommand.decode(bytes);
        } catch (IllegalArgumentException e) {
            failures.warn("ignored a player command for {}: {}", key, e.getMessage());
            return;
        }
        OnlinePlayer player = local.find(key);
        if (player == null) {
            return;
        }
        switch (command.kind()) {
            case PlayerCommand.TAKEOVER -> {
                if (!command.node().equals(nodeId)) {
                    queue(key, () -> takeoverStep(key, player));
                }
            }
            case PlayerCommand.DELIVER -> {
                if (player.playerId() == command.playerId()) {
                    player.send(command.message());
                }
            }
            case PlayerCommand.DISCONNECT -> {
                if (player.playerId() == command.playerId()) {
                    player.disconnect(command.result(), command.reason());
                }
            }
            default -> {
            }
        }
    }

    /**
     * Another node claimed the name after {@code victim}'s connection here did, unless this node's
     * own claim landed later (two logins a moment apart): Redis decides which claim is the last,
     * and this runs after every claim of this node queued before it.
     */
    private CompletionStage<?> takeoverStep(String key, OnlinePlayer victim) {
        return link.commands().hget(ClusterKeys.presence(), key).thenAccept(holder -> {
            boolean mine = holder != null && new String(holder, StandardCharsets.UTF_8).equals(nodeId);
            if (!mine && local.find(key) == victim) {
                log.debug("[{}] taken over by a login on another node", victim);
                victim.disconnect(Result.SESSION_REPLACED, REPLACED);
            }
        });
    }

    /** Runs {@code step} after the steps queued before it for {@code key}; a failed step is logged and the queue goes on. */
    private void queue(String key, Supplier<CompletionStage<?>> step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> before = queues.put(key, done);
        CompletableFuture<Void> start = before == null ? CompletableFuture.completedFuture(null) : before;
        start.thenCompose(v -> {
            try {
                return step.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).whenComplete((v, failure) -> {
            if (failure != null) {
                failures.warn("presence of {} not mirrored to the cluster's Redis: {}", key,
                        RedisLink.rootMessage(failure));
            }
            queues.remove(key, done);
            done.complete(null);
        });
    }

    /**
     * Runs a presence script on the name {@code key}: KEYS presence, nodePlayers(node),
     * presenceNames, then {@code moreKeys}; ARGV name key, node, then {@code who} unless null.
     */
    private <T> CompletableFuture<T> script(LuaScript script, ScriptOutputType type, String key, String who,
                                            String... moreKeys) {
        String[] keys = new String[3 + moreKeys.length];
        keys[0] = ClusterKeys.presence();
        keys[1] = ClusterKeys.nodePlayers(nodeId);
        keys[2] = ClusterKeys.presenceNames();
        System.arraycopy(moreKeys, 0, keys, 3, moreKeys.length);
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        return who == null ? link.eval(script, type, keys, name, node)
                : link.eval(script, type, keys, name, node, who.getBytes(StandardCharsets.UTF_8));
    }

    /** What {@link ClusterKeys#presenceNames()} holds for a player: its id, a space, its name; null before its login completed. */
    private static String who(OnlinePlayer player) {
        String name = player.name();
        return name == null ? null : player.playerId() + " " + name;
    }
}
