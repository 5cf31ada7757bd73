package dev.parley.cluster;

import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.content.BlockedWords;
import dev.parley.logging.LogLimiter;
import dev.parley.moderation.Bans;
import dev.parley.moderation.ModerationChanges;
import dev.parley.moderation.Mutes;
import dev.parley.moderation.RoleGrants;
import dev.parley.protocol.pb.Result;
import dev.parley.store.AccountStore;
import dev.parley.store.ModerationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Moderation shared by the nodes of a cluster. Each node holds bans, mutes and granted roles in
 * memory ({@link Bans}, {@link Mutes}, {@link RoleGrants}; logins and chat consult them without a
 * round trip); the database stays the source of truth. Each change, once the node that made it
 * has stored it, is published on {@link ClusterKeys#moderationChannel()} ({@link ModerationEvent})
 * and every other node applies it to its copy: idempotent (it sets the stored values), so an
 * event applied twice or after a reload changes nothing. A ban also closes the player's
 * connection on the node that holds it (the banning node reaches it too, through presence; this
 * catches a login that raced the ban). A reload of the blocked words through the server API makes
 * every node reload its own file.
 *
 * <p>Missed events: pub/sub keeps nothing for a node that was not listening. A node that finds
 * Redis again, or registers again (fenced, or Redis lost its data), reads all active bans, mutes
 * and roles from the database again, off the Lettuce threads; events that arrive meanwhile are
 * applied again on top of what it read. A node that could not publish a change asks every node to
 * reload ({@link ModerationEvent#RELOAD}) once Redis is back.
 *
 * <p>Threads: events are applied on Lettuce's threads (memory only, never blocking); changes are
 * published from the blocking pool ({@link ModerationChanges}); reloads and blocked-words file
 * reads run on the blocking pool.
 */
public final class ClusterModeration implements ModerationChanges {

    private static final Logger log = LoggerFactory.getLogger(ClusterModeration.class);
    private static final LogLimiter failures = new LogLimiter(log, Duration.ofSeconds(1));

    private final RedisLink link;
    private final String nodeId;
    private final Presence presence;
    private final Bans bans;
    private final Mutes mutes;
    private final RoleGrants grants;
    private final ModerationStore store;
    private final BlockedWords words;
    private final Executor blocking;
    private final LongSupplier clock;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private final Object lock = new Object();
    /** The events applied while a reload reads the database, applied again after it (guarded by lock); null when none runs. */
    private List<ModerationEvent> duringReload;
    /** A change could not be published: the other nodes are asked to reload once Redis is back. */
    private volatile boolean unpublished;

    /**
     * @param presence this node's presence (a banned player's connection is found here)
     * @param clock    epoch milliseconds, as the moderation state reads it
     */
    public ClusterModeration(RedisLink link, String nodeId, Presence presence, Bans bans, Mutes mutes,
                             RoleGrants grants, ModerationStore store, BlockedWords words, Executor blocking,
                             LongSupplier clock) {
        this.link = link;
        this.nodeId = nodeId;
        this.presence = presence;
        this.bans = bans;
        this.mutes = mutes;
        this.grants = grants;
        this.store = store;
        this.words = words;
        this.blocking = blocking;
        this.clock = clock;
    }

    /**
     * Listens to the other nodes' changes, then reads the database once more (a change stored
     * between the caller's load at start and the subscription is not missed); reloads after a
     * reconnect or a new registration, and passes this node's blocked-words reloads on. At start.
     *
     * @throws IOException when Redis does not confirm the subscription in time
     */
    public void start(NodeLease lease) throws IOException {
        try {
            link.subscribe(ClusterKeys.moderationChannel(), this::onEvent).toCompletableFuture()
                    .get(RedisLink.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while subscribing to the cluster's moderation", e);
        } catch (Exception e) {
            throw new IOException("cannot subscribe to the cluster's moderation: " + RedisLink.rootMessage(e), e);
        }
        reload();
        link.onReconnect(this::afterReconnect);
        lease.onRegistered(this::reload);
        if (words.file() != null) {
            words.onReload(() -> publish(ModerationEvent.of(nodeId, ModerationEvent.WORDS, 0, 0)));
        }
    }

    @Override
    public void banned(long playerId, String name, Bans.Ban ban) {
        publish(new ModerationEvent(nodeId, ModerationEvent.BAN, playerId, 0, ban.untilMs(), ban.reason(),
                ban.player() != null ? ban.player() : name, nonNull(ban.by()), List.of()));
    }

    @Override
    public void unbanned(long playerId) {
        publish(ModerationEvent.of(nodeId, ModerationEvent.UNBAN, playerId, 0));
    }

    @Override
    public void muted(long playerId, Mutes.Mute mute) {
        publish(new ModerationEvent(nodeId, ModerationEvent.MUTE, playerId, mute.roomId(), mute.untilMs(),
                mute.reason(), nonNull(mute.player()), nonNull(mute.by()), List.of()));
    }

    @Override
    public void unmuted(long playerId, long roomId) {
        publish(ModerationEvent.of(nodeId, ModerationEvent.UNMUTE, playerId, roomId));
    }

    @Override
    public void rolesSet(long playerId, List<String> roles) {
        publish(new ModerationEvent(nodeId, ModerationEvent.ROLES, playerId, 0, 0, "", "", "", List.copyOf(roles)));
    }

    /** How many other nodes' changes this node has applied (tests wait for it). */
    public long applied() {
        return applied.get();
    }

    /** How many reloads from the database have completed (tests wait for it). */
    public long reloads() {
        return reloads.get();
    }

    /**
     * Reads every active ban, mute and granted role from the database, on the blocking pool, and
     * holds exactly those (plus the events that arrive meanwhile). A failed read is logged; the
     * node keeps what it holds.
     */
    public void reload() {
        synchronized (lock) {
            if (duringReload == null) {
                duringReload = new ArrayList<>();
            }
        }
        try {
            blocking.execute(this::reloadNow);
        } catch (RejectedExecutionException e) {
            endReload(null);
            failures.warn("cannot reload the moderation state: {}", "the blocking pool is full or stopped");
        }
    }

    private void reloadNow() {
        Loaded loaded = null;
        try {
            long now = clock.getAsLong();
            loaded = new Loaded(store.activeBans(now), store.activeMutes(now), store.playerRoles());
        } catch (SQLException | RuntimeException e) {
            failures.warn("cannot reload the moderation state from the database: {}", e.toString());
        }
        endReload(loaded);
    }

    private record Loaded(List<ModerationStore.Ban> bans, List<ModerationStore.Mute> mutes,
                          List<ModerationStore.PlayerRole> roles) {
    }

    private void endReload(Loaded loaded) {
        synchronized (lock) {
            if (loaded != null) {
                bans.replaceAll(loaded.bans());
                mutes.replaceAll(loaded.mutes());
                grants.replaceAll(loaded.roles());
                if (duringReload != null) {
                    duringReload.forEach(this::apply);
                }
                reloads.incrementAndGet();
            }
            duringReload = null;
        }
        if (loaded != null) {
            log.info("moderation reloaded from the database: {} bans, {} mutes, {} roles", loaded.bans().size(),
                    loaded.mutes().size(), loaded.roles().size());
        }
    }

    private void afterReconnect() {
        reload();
        if (unpublished) {
            unpublished = false;
            publish(ModerationEvent.of(nodeId, ModerationEvent.RELOAD, 0, 0));
        }
    }

    private void publish(ModerationEvent event) {
        synchronized (lock) {
            if (duringReload != null) {
                duringReload.add(event); // this node's own change: the reload may have read the database before it
            }
        }
        link.publish(ClusterKeys.moderationChannel(), event.encode()).whenComplete((receivers, e) -> {
            if (e != null) {
                unpublished = true;
                failures.warn("a moderation change was not passed to the other nodes (they reload once Redis is "
                        + "back): {}", RedisLink.rootMessage(e));
            }
        });
    }

    /** An event on the channel (a Lettuce thread). */
    private void onEvent(byte[] bytes) {
        ModerationEvent event;
        try {
            event = ModerationEvent.decode(bytes);
        } catch (IllegalArgumentException e) {
            failures.warn("ignored a moderation event: {}", e.getMessage());
            return;
        }
        if (event.node().equals(nodeId)) {
            return; // applied here when it was made
        }
        switch (event.kind()) {
            case ModerationEvent.RELOAD -> reload();
            case ModerationEvent.WORDS -> reloadWords();
            default -> {
                synchronized (lock) {
                    apply(event);
                    if (duringReload != null) {
                        duringReload.add(event);
                    }
                }
                if (event.kind() == ModerationEvent.BAN) {
                    closeBanned(event);
                }
                applied.incrementAndGet();
            }
        }
    }

    /** Sets what {@code event} says in this node's copy (guarded by lock). */
    private void apply(ModerationEvent event) {
        long id = event.playerId();
        switch (event.kind()) {
            case ModerationEvent.BAN -> bans.load(List.of(new ModerationStore.Ban(id,
                    event.untilMs() == Long.MAX_VALUE ? null : event.untilMs(), event.reason(), event.by(),
                    nullIfEmpty(event.player()))));
            case ModerationEvent.UNBAN -> bans.lift(id);
            case ModerationEvent.MUTE -> mutes.load(List.of(new ModerationStore.Mute(id, event.roomId(), event.untilMs(),
                    event.reason(), event.by(), nullIfEmpty(event.player()))));
            case ModerationEvent.UNMUTE -> mutes.set(id, null, event.roomId(), 0, "", "");
            case ModerationEvent.ROLES -> grants.set(id, event.roles());
            default -> {
            }
        }
    }

    /** Closes the banned player's connection if this node holds it (a login that raced the ban). */
    private void closeBanned(ModerationEvent event) {
        OnlinePlayer player = presence.find(AccountStore.nameKey(event.player()));
        Bans.Ban ban = bans.active(event.playerId());
        if (player != null && player.playerId() == event.playerId() && ban != null) {
            player.disconnect(Result.BANNED, ban.describe());
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private void reloadWords() {
        try {
            blocking.execute(() -> {
                try {
                    log.info("blocked words reloaded (as another node did): {} words", words.reloadHere());
                } catch (IllegalArgumentException e) {
                    log.warn("blocked words not reloaded as another node did: {}", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            failures.warn("cannot reload the blocked words: {}", "the blocking pool is full or stopped");
        }
    }
}
