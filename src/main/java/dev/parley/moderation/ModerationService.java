package dev.parley.moderation;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.content.Names;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.BanRequest;
import dev.parley.protocol.pb.BanResponse;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.UnbanRequest;
import dev.parley.protocol.pb.UnbanResponse;
import dev.parley.room.Room;
import dev.parley.room.RoomMember;
import dev.parley.room.RoomService;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import dev.parley.store.AuditLog;
import dev.parley.store.ModerationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The moderation requests {@code KickRequest}, {@code MuteRequest}, {@code BanRequest} and
 * {@code UnbanRequest}, the mute check of chat and the ban check of logins. See
 * docs/protocol.md, "Moderation"; {@link Permissions} decides who may.
 *
 * <p>Threads: {@link #handle}, {@link #chatRefusal} and {@link #loginRefusal} run on a
 * connection's event loop and never touch the database: bans and mutes are held in memory
 * ({@link Bans}, {@link Mutes}, loaded at start) and take effect at once; they are stored
 * afterwards on the blocking pool, one write after the other in the order they were made (a
 * failed write is logged; the action stays in force until a restart); a shutdown waits for them,
 * bounded ({@link #awaitWrites}). A kick is decided and done
 * on the room's queue; a player who is offline is found by name on the blocking pool. Answers go
 * back through the requester's thread-safe {@link RoomMember#send}. Every action taken is
 * written to the {@link AuditLog}. Each ban, mute and role change, once stored, is told to the
 * {@link ModerationChanges} (in a cluster, the other nodes apply it).
 */
public final class ModerationService {

    private static final Logger log = LoggerFactory.getLogger(ModerationService.class);
    /** The longest mute: 30 days. */
    public static final long MAX_MUTE_SECONDS = TimeUnit.DAYS.toSeconds(30);
    /** The longest reason a moderation request may give. */
    public static final int MAX_REASON = 256;
    private static final String API_ROLE = "api";
    private static final String BUSY = "the server is busy or its database unreachable; try again shortly";

    /** The requesting connection: a room member that is an online player (the session). */
    public interface Actor extends RoomMember, OnlinePlayer {
    }

    /** Where moderation is kept: its store, the accounts to find players by name, and the audit log. */
    public record Stores(ModerationStore moderation, AccountStore accounts, AuditLog audit) {
    }

    private final Permissions permissions;
    private final RoleGrants grants;
    private final Bans bans;
    private final Mutes mutes;
    private final RoomService rooms;
    private final Presence presence;
    private final Stores stores;
    private final Executor blocking;
    private final ServerMetrics metrics;
    /** The last queued store write: each next one runs after it (guarded by this). */
    private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
    /** Told of each change once stored (the cluster); set once at start. */
    private volatile ModerationChanges changes = ModerationChanges.NONE;

    /**
     * @param grants   the roles given through the server API: the ones {@code permissions} consults
     * @param blocking where the database is used (look-ups, writes)
     * @param metrics  counts every action by source and result
     */
    public ModerationService(Permissions permissions, RoleGrants grants, Bans bans, Mutes mutes, RoomService rooms,
                             Presence presence, Stores stores, Executor blocking, ServerMetrics metrics) {
        this.permissions = permissions;
        this.grants = grants;
        this.bans = bans;
        this.mutes = mutes;
        this.rooms = rooms;
        this.presence = presence;
        this.stores = stores;
        this.blocking = blocking;
        this.metrics = metrics;
    }

    /** Tells {@code listener} of each ban, mute and role change once it is stored (at start, before requests). */
    public void onChange(ModerationChanges listener) {
        this.changes = listener;
    }

    /** Whether {@code type} is a request of this service. */
    public static boolean handles(MsgType type) {
        return switch (type) {
            case KICK_REQUEST, MUTE_REQUEST, BAN_REQUEST, UNBAN_REQUEST -> true;
            default -> false;
        };
    }

    /** A request of this service from a logged-in connection; its event loop. */
    public void handle(Actor a, MessageLite request) {
        if (request instanceof KickRequest r) {
            kick(a, r);
        } else if (request instanceof MuteRequest r) {
            mute(a, r);
        } else if (request instanceof BanRequest r) {
            ban(a, r);
        } else if (request instanceof UnbanRequest r) {
            unban(a, r);
        } else {
            throw new IllegalArgumentException(request.getClass().getSimpleName() + " is not a moderation request");
        }
    }

    /**
     * Why {@code m} may not chat as {@code req} asks now (it is muted there), or null. The
     * refusal carries the remaining time in {@code retry_after_ms}. {@code m}'s loop.
     */
    public ErrorNotify chatRefusal(RoomMember m, ChatRequest req) {
        long roomId = req.getRoomId();
        if (roomId == 0) {
            Room only = m.rooms().only();
            roomId = only == null ? 0 : only.id();
        }
        Mutes.Mute mute = mutes.active(m.member().getPlayerId(), roomId);
        if (mute == null) {
            return null;
        }
        long left = mutes.remainingMs(mute);
        String why = "muted " + (mute.roomId() == 0 ? "everywhere" : "in this room") + " for another "
                + Math.max(1, (left + 999) / 1000) + " s" + (mute.reason().isEmpty() ? "" : ": " + mute.reason());
        return ErrorNotify.newBuilder().setResult(Result.MUTED).setReason(why).setRequestType(MsgType.CHAT_REQUEST)
                .setClientMsgId(req.getClientMsgId()).setRetryAfterMs((int) Math.min(left, 0xFFFF_FFFFL)).build();
    }

    /** Whether {@code a} moderates a room, as the room decides it with its facts (see {@link Permissions}). Any thread. */
    public Room.ModeratorRule moderatorRule(Actor a) {
        boolean staff = permissions.isStaff(a.name(), permissions.roles(a.playerId(), a.roles()));
        return (permanent, byCreator) -> permissions.moderatesRoom(staff, permanent, byCreator);
    }

    /**
     * Audits {@code a}'s deletes of other players' messages (action message.delete), like a kick.
     * Any thread; what it returns runs on a room's queue and does not block.
     */
    public RoomService.DeleteAudit deleteAudit(Actor a) {
        return (roomId, seq, author, reason) -> {
            metrics.moderationAction("delete", ServerMetrics.SOURCE_PROTOCOL, Result.OK);
            audit(moderator(a), "message.delete", "room " + Long.toUnsignedString(roomId) + " seq "
                    + Long.toUnsignedString(seq) + " (author " + author + ")", reason);
        };
    }

    /** What a login of {@code playerId} is told when the player is banned (until when, why), or null. Any thread. */
    public String loginRefusal(long playerId) {
        Bans.Ban ban = bans.active(playerId);
        return ban == null ? null : ban.describe();
    }

    /** Who acts: a player (with what its roles allow) or the server API (a key may do everything). */
    public record Moderator(String name, String role, long playerId, boolean staff, boolean admin) {
        /** The server API, acting with the key {@code keyId}; audited with role "api". */
        public static Moderator api(String keyId) {
            return new Moderator(keyId, API_ROLE, 0, true, true);
        }

        /** Where the action came from, as {@code parley.moderation.actions} tags it. */
        String source() {
            return API_ROLE.equals(role) ? ServerMetrics.SOURCE_API : ServerMetrics.SOURCE_PROTOCOL;
        }
    }

    /** What became of a moderation action: OK, or the refusal and why. */
    public record Outcome(Result result, String reason) {
        static final Outcome OK = new Outcome(Result.OK, "");

        public boolean ok() {
            return result == Result.OK;
        }
    }

    private Moderator moderator(Actor a) {
        Collection<String> roles = permissions.roles(a.playerId(), a.roles());
        return new Moderator(a.name(), permissions.rolesOf(a.name(), roles), a.playerId(),
                permissions.isStaff(a.name(), roles), permissions.isAdmin(a.name(), roles));
    }

    private void kick(Actor a, KickRequest r) {
        long roomId = r.getRoomId();
        if (roomId == 0) {
            Room only = a.rooms().only();
            if (only == null) {
                a.send(kicked(Result.INVALID_REQUEST, "set room_id: you are in " + a.rooms().size() + " rooms"));
                return;
            }
            roomId = only.id();
        }
        kick(moderator(a), roomId, r.getName(), r.getReason()).thenAccept(o -> a.send(kicked(o.result(), o.reason())));
    }

    /**
     * Kicks the online player {@code name} from room {@code roomId} (see Room#kick). Any thread.
     *
     * @return completes with the outcome (on the room's queue, or at once when refused early)
     */
    public CompletableFuture<Outcome> kick(Moderator by, long roomId, String name, String reason) {
        return counted("kick", by, kicking(by, roomId, name, reason));
    }

    private CompletableFuture<Outcome> kicking(Moderator by, long roomId, String name, String reason) {
        String target = Names.normalise(name);
        String invalid = invalid(target, reason);
        if (invalid != null) {
            return done(Result.INVALID_REQUEST, invalid);
        }
        OnlinePlayer here = presence.find(target);
        if (here != null) {
            return kick(by, roomId, here, reason);
        }
        // not connected here: in a cluster it may be on another node (reach asks, on the blocking pool)
        AtomicReference<OnlinePlayer> reached = new AtomicReference<>();
        return withPlayer(target, (playerId, player) -> {
            reached.set(presence.reach(target, playerId));
            return reached.get() == null ? new Outcome(Result.PLAYER_NOT_FOUND, "no player " + target + " is online")
                    : Outcome.OK;
        }).thenCompose(o -> o.ok() ? kick(by, roomId, reached.get(), reason) : CompletableFuture.completedFuture(o));
    }

    private CompletableFuture<Outcome> kick(Moderator by, long roomId, OnlinePlayer player, String reason) {
        CompletableFuture<Room.Kicked> kicked = rooms.kick(roomId, player.playerId(), by.playerId(),
                (permanent, byCreator) -> permissions.moderatesRoom(by.staff(), permanent, byCreator));
        if (kicked == null) {
            return done(Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(roomId));
        }
        return kicked.handle((k, e) -> {
            if (e != null) {
                return new Outcome(Result.SERVER_BUSY, "the server is shutting down");
            }
            if (k.result() == Result.OK) {
                audit(by, "kick", player.name() + " from room " + Long.toUnsignedString(roomId), reason);
            }
            return new Outcome(k.result(), k.reason());
        });
    }

    private void mute(Actor a, MuteRequest r) {
        mute(moderator(a), r.getRoomId(), r.getName(), Integer.toUnsignedLong(r.getDurationS()), r.getReason())
                .thenAccept(o -> a.send(muted(o.result(), o.reason())));
    }

    /**
     * Mutes the player {@code name} (online or not) in room {@code roomId} (0 = everywhere) for
     * {@code seconds}, 0 lifting that mute. Any thread.
     */
    public CompletableFuture<Outcome> mute(Moderator by, long roomId, String name, long seconds, String reason) {
        return counted(seconds == 0 ? "unmute" : "mute", by, muting(by, roomId, name, seconds, reason));
    }

    private CompletableFuture<Outcome> muting(Moderator by, long roomId, String name, long seconds, String reason) {
        if (!permissions.mayMute(by.staff())) {
            return done(Result.NOT_ALLOWED, "muting needs the moderator or admin role");
        }
        String target = Names.normalise(name);
        String invalid = invalid(target, reason);
        if (invalid == null && (seconds < 0 || seconds > MAX_MUTE_SECONDS)) {
            invalid = "duration_s must be within 0.." + MAX_MUTE_SECONDS + " (30 days; 0 = unmute)";
        }
        if (invalid != null) {
            return done(Result.INVALID_REQUEST, invalid);
        }
        return withPlayer(target, (playerId, player) -> {
            Mutes.Mute mute = mutes.set(playerId, player, roomId, TimeUnit.SECONDS.toMillis(seconds), reason, by.name());
            if (mute == null) {
                store(s -> s.unmute(playerId, roomId), () -> changes.unmuted(playerId, roomId));
            } else {
                store(s -> s.mute(new ModerationStore.Mute(playerId, roomId, mute.untilMs(), reason, by.name()),
                        bans.now()), () -> changes.muted(playerId, mute));
            }
            audit(by, mute == null ? "unmute" : "mute", target + (roomId == 0 ? " everywhere" : " in room "
                    + Long.toUnsignedString(roomId)) + (mute == null ? "" : " for " + seconds + " s"), reason);
            return Outcome.OK;
        });
    }

    private void ban(Actor a, BanRequest r) {
        ban(moderator(a), r.getName(), Integer.toUnsignedLong(r.getDurationS()), r.getReason())
                .thenAccept(o -> a.send(banned(o.result(), o.reason())));
    }

    /**
     * Bans the player {@code name} (online or not) for {@code seconds}, 0 = permanently: its
     * connection closes, its logins are refused until the ban ends. Any thread.
     */
    public CompletableFuture<Outcome> ban(Moderator by, String name, long seconds, String reason) {
        return counted("ban", by, banning(by, name, seconds, reason));
    }

    private CompletableFuture<Outcome> banning(Moderator by, String name, long seconds, String reason) {
        if (!permissions.mayBan(by.admin())) {
            return done(Result.NOT_ALLOWED, "banning needs the admin role");
        }
        String target = Names.normalise(name);
        String invalid = invalid(target, reason);
        if (invalid == null && seconds < 0) {
            invalid = "duration_s must not be negative (0 = permanent)";
        }
        if (invalid != null) {
            return done(Result.INVALID_REQUEST, invalid);
        }
        return withPlayer(target, (playerId, player) -> {
            if (playerId == by.playerId()) {
                return new Outcome(Result.INVALID_REQUEST, "you cannot ban yourself");
            }
            Bans.Ban ban = bans.set(playerId, player, TimeUnit.SECONDS.toMillis(seconds), reason, by.name());
            store(s -> s.ban(new ModerationStore.Ban(playerId, ban.permanent() ? null : ban.untilMs(), reason,
                    by.name()), bans.now()), () -> changes.banned(playerId, target, ban));
            audit(by, "ban", target + (ban.permanent() ? " permanently" : " for " + seconds + " s"), reason);
            // here on the blocking pool, or on the caller's thread when the player is connected to this node:
            // reach waits for the cluster only in the first case
            OnlinePlayer online = presence.reach(target, playerId);
            if (online != null) {
                online.disconnect(Result.BANNED, ban.describe());
            }
            return Outcome.OK;
        });
    }

    private void unban(Actor a, UnbanRequest r) {
        unban(moderator(a), r.getName()).thenAccept(o -> a.send(unbanned(o.result(), o.reason())));
    }

    /** Lifts the ban of the player {@code name} (fine if it has none). Any thread. */
    public CompletableFuture<Outcome> unban(Moderator by, String name) {
        return counted("unban", by, unbanning(by, name));
    }

    private CompletableFuture<Outcome> unbanning(Moderator by, String name) {
        if (!permissions.mayBan(by.admin())) {
            return done(Result.NOT_ALLOWED, "unbanning needs the admin role");
        }
        String target = Names.normalise(name);
        String invalid = invalid(target, "");
        if (invalid != null) {
            return done(Result.INVALID_REQUEST, invalid);
        }
        return withPlayer(target, (playerId, player) -> {
            bans.lift(playerId);
            store(s -> s.unban(playerId), () -> changes.unbanned(playerId));
            audit(by, "unban", target, "");
            return Outcome.OK;
        });
    }

    /**
     * A player's roles, or why they cannot be told: those given through the server API (sorted),
     * whether it is online, and every role it holds now with where it comes from (see
     * {@link Permissions#sources}; its token's roles only while it is online).
     */
    public record Roles(Outcome outcome, List<String> granted, boolean online,
                        SortedMap<String, SortedSet<String>> effective) {
        static Roles refused(Outcome outcome) {
            return new Roles(outcome, List.of(), false, new TreeMap<>());
        }
    }

    /**
     * Gives the player {@code name} (online or not) exactly the roles {@code roles} (moderator,
     * admin; empty = none), on top of its token's and {@code --admins}: in force at once, stored
     * and audited. Any thread.
     */
    public CompletableFuture<Outcome> setRoles(Moderator by, String name, Collection<String> roles) {
        if (!permissions.mayBan(by.admin())) {
            return done(Result.NOT_ALLOWED, "giving roles needs the admin role");
        }
        String target = Names.normalise(name);
        String invalid = invalid(target, "");
        if (invalid == null) {
            invalid = Permissions.invalidGrant(roles);
        }
        if (invalid != null) {
            return done(Result.INVALID_REQUEST, invalid);
        }
        List<String> sorted = List.copyOf(new TreeSet<>(roles));
        return withPlayer(target, (playerId, player) -> {
            grants.set(playerId, sorted);
            store(s -> s.setRoles(playerId, sorted), () -> changes.rolesSet(playerId, sorted));
            audit(by, "roles", target, sorted.isEmpty() ? "none" : String.join(",", sorted));
            return Outcome.OK;
        });
    }

    /** The roles of the player {@code name} (online or not), see {@link Roles}. Any thread. */
    public CompletableFuture<Roles> roles(String name) {
        String target = Names.normalise(name);
        String invalid = invalid(target, "");
        if (invalid != null) {
            return CompletableFuture.completedFuture(Roles.refused(new Outcome(Result.INVALID_REQUEST, invalid)));
        }
        AtomicReference<Roles> found = new AtomicReference<>();
        return withPlayer(target, (playerId, player) -> {
            OnlinePlayer online = presence.find(target);
            boolean isOnline = online != null && online.playerId() == playerId;
            List<String> tokenRoles = isOnline ? online.roles() : List.of();
            found.set(new Roles(Outcome.OK, List.copyOf(new TreeSet<>(grants.of(playerId))), isOnline,
                    permissions.sources(player, playerId, tokenRoles)));
            return Outcome.OK;
        }).thenApply(o -> o.ok() ? found.get() : Roles.refused(o));
    }

    /**
     * The bans in force now, by player id: what logins are checked against (held in memory, so
     * no database is asked and a ban whose store failed is listed too); expired ones are not.
     * Any thread.
     */
    public List<Bans.Listed> bans() {
        return bans.list();
    }

    /** The mutes in force now, by player id and room, as {@link #bans()} (chat is checked against them). Any thread. */
    public List<Mutes.Listed> mutes() {
        return mutes.list();
    }

    /** What is done with a player found by name: its id and its name as its account spells it. */
    @FunctionalInterface
    private interface Found {
        Outcome apply(long playerId, String name);
    }

    /**
     * Applies {@code found} to the id of the player named {@code name}: at once when it is online,
     * else after looking its account up on the blocking pool (and then on that thread). A name
     * without an account is {@code PLAYER_NOT_FOUND}, an unreachable database SERVER_BUSY.
     */
    private CompletableFuture<Outcome> withPlayer(String name, Found found) {
        OnlinePlayer online = presence.find(name);
        if (online != null) {
            return CompletableFuture.completedFuture(found.apply(online.playerId(), online.name()));
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                Optional<Account> account;
                try {
                    account = stores.accounts().find(name);
                } catch (SQLException | RuntimeException e) {
                    outcome.complete(new Outcome(Result.SERVER_BUSY, BUSY));
                    return;
                }
                outcome.complete(account.isEmpty() ? new Outcome(Result.PLAYER_NOT_FOUND, "no player " + name)
                        : found.apply(account.get().id(), account.get().name()));
            });
        } catch (RejectedExecutionException e) {
            outcome.complete(new Outcome(Result.SERVER_BUSY, BUSY));
        }
        return outcome;
    }

    /** Counts {@code outcome} in {@code parley.moderation.actions} when it completes. */
    private CompletableFuture<Outcome> counted(String action, Moderator by, CompletableFuture<Outcome> outcome) {
        return outcome.whenComplete((o, e) -> metrics.moderationAction(action, by.source(),
                o == null ? Result.SERVER_BUSY : o.result()));
    }

    private static CompletableFuture<Outcome> done(Result result, String reason) {
        return CompletableFuture.completedFuture(new Outcome(result, reason));
    }

    /** A write of the moderation store. */
    @FunctionalInterface
    private interface Write {
        void to(ModerationStore store) throws SQLException;
    }

    /**
     * Stores one change after the ones before it, off the caller's thread, then runs
     * {@code stored} (tells the {@link ModerationChanges}); a failure is logged, and not told.
     */
    private synchronized void store(Write w, Runnable stored) {
        writes = writes.thenRunAsync(() -> {
            try {
                w.to(stores.moderation());
                stored.run();
            } catch (SQLException | RuntimeException e) {
                log.warn("Storing a ban, mute or role failed (in force until a restart): {}", e.toString());
            }
        }, blocking).exceptionally(e -> {
            log.warn("A ban, mute or role was not stored (in force until a restart): {}", e.toString());
            return null;
        });
    }

    /**
     * Waits at most {@code timeout} for the stores queued so far (bans, mutes, roles): the
     * shutdown calls it once nothing can ask for more (listeners and connections closed, the API
     * refusing) and before the blocking pool stops, which would refuse the writes still queued
     * behind a running one.
     *
     * @return whether every queued write finished (stored, or failed and logged) in time
     */
    public boolean awaitWrites(Duration timeout) {
        CompletableFuture<Void> last;
        synchronized (this) {
            last = writes;
        }
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn("Bans, mutes or roles still unstored after {} ms at shutdown: they are lost", timeout.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true; // cannot happen: each write logs its own failure
        }
    }

    private void audit(Moderator by, String action, String target, String reason) {
        stores.audit().record(by.name(), by.role(), action, target, reason);
    }

    /** Why a target name or reason is unusable, or null. */
    private static String invalid(String name, String reason) {
        String problem = Names.checkPlayerName(name);
        if (problem != null) {
            return problem;
        }
        return reason.length() > MAX_REASON ? "reason must be at most " + MAX_REASON + " characters" : null;
    }

    private static KickResponse kicked(Result result, String reason) {
        return KickResponse.newBuilder().setResult(result).setReason(reason).build();
    }

    private static MuteResponse muted(Result result, String reason) {
        return MuteResponse.newBuilder().setResult(result).setReason(reason).build();
    }

    private static BanResponse banned(Result result, String reason) {
        return BanResponse.newBuilder().setResult(result).setReason(reason).build();
    }

    private static UnbanResponse unbanned(Result result, String reason) {
        return UnbanResponse.newBuilder().setResult(result).setReason(reason).build();
    }
}
