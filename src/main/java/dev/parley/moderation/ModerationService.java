package dev.parley.moderation;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.content.Names;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.room.Room;
import dev.parley.room.RoomMember;
import dev.parley.room.RoomService;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import dev.parley.store.AuditLog;

import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The moderation requests {@code KickRequest} and {@code MuteRequest}, and the mute check of
 * chat. See docs/protocol.md, "Moderation"; {@link Permissions} decides who may.
 *
 * <p>Threads: {@link #handle} and {@link #chatRefusal} run on the requesting connection's event
 * loop. A kick is decided and done on the room's queue; a mute of a player who is offline looks
 * its account up on the blocking pool. Answers go back on the requester's loop (its
 * {@link RoomMember#send} is thread-safe). Every action taken is written to the {@link AuditLog}.
 */
public final class ModerationService {

    /** The longest mute: 30 days. */
    public static final long MAX_MUTE_SECONDS = TimeUnit.DAYS.toSeconds(30);
    /** The longest reason a moderation request may give. */
    public static final int MAX_REASON = 256;
    private static final String BUSY = "the server is busy or its database unreachable; try again shortly";

    /** The requesting connection: a room member that is an online player (the session). */
    public interface Actor extends RoomMember, OnlinePlayer {
    }

    private final Permissions permissions;
    private final Mutes mutes;
    private final RoomService rooms;
    private final Presence presence;
    private final AccountStore accounts;
    private final AuditLog audit;
    private final Executor blocking;

    /**
     * @param accounts to find a player who is offline (the interactive pool)
     * @param blocking where those look-ups run
     */
    public ModerationService(Permissions permissions, Mutes mutes, RoomService rooms, Presence presence,
                             AccountStore accounts, AuditLog audit, Executor blocking) {
        this.permissions = permissions;
        this.mutes = mutes;
        this.rooms = rooms;
        this.presence = presence;
        this.accounts = accounts;
        this.audit = audit;
        this.blocking = blocking;
    }

    /** Whether {@code type} is a request of this service. */
    public static boolean handles(MsgType type) {
        return type == MsgType.KICK_REQUEST || type == MsgType.MUTE_REQUEST;
    }

    /** A request of this service from a logged-in connection; its event loop. */
    public void handle(Actor a, MessageLite request) {
        if (request instanceof KickRequest r) {
            kick(a, r);
        } else if (request instanceof MuteRequest r) {
            mute(a, r);
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

    private void kick(Actor a, KickRequest r) {
        String name = Names.normalise(r.getName());
        String invalid = invalid(name, r.getReason());
        if (invalid != null) {
            a.send(kicked(Result.INVALID_REQUEST, invalid));
            return;
        }
        long roomId = r.getRoomId();
        if (roomId == 0) {
            Room only = a.rooms().only();
            if (only == null) {
                a.send(kicked(Result.INVALID_REQUEST, "set room_id: you are in " + a.rooms().size() + " rooms"));
                return;
            }
            roomId = only.id();
        }
        OnlinePlayer target = presence.find(name);
        if (target == null) {
            a.send(kicked(Result.PLAYER_NOT_FOUND, "no player " + name + " is online"));
            return;
        }
        boolean staff = permissions.isStaff(a.name(), a.roles());
        CompletableFuture<Room.Kicked> done = rooms.kick(roomId, target.playerId(), a.playerId(),
                (permanent, byCreator) -> permissions.mayKick(staff, permanent, byCreator));
        if (done == null) {
            a.send(kicked(Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(roomId)));
            return;
        }
        long room = roomId;
        done.whenComplete((k, e) -> {
            if (e != null) {
                a.send(kicked(Result.SERVER_BUSY, "the server is shutting down"));
                return;
            }
            if (k.result() == Result.OK) {
                audit.record(a.name(), permissions.rolesOf(a.name(), a.roles()), "kick",
                        target.name() + " from room " + Long.toUnsignedString(room), r.getReason());
            }
            a.send(kicked(k.result(), k.reason()));
        });
    }

    private void mute(Actor a, MuteRequest r) {
        if (!permissions.mayMute(permissions.isStaff(a.name(), a.roles()))) {
            a.send(muted(Result.NOT_ALLOWED, "muting needs the moderator or admin role"));
            return;
        }
        String name = Names.normalise(r.getName());
        String invalid = invalid(name, r.getReason());
        long seconds = Integer.toUnsignedLong(r.getDurationS());
        if (invalid == null && seconds > MAX_MUTE_SECONDS) {
            invalid = "duration_s must be at most " + MAX_MUTE_SECONDS + " (30 days)";
        }
        if (invalid != null) {
            a.send(muted(Result.INVALID_REQUEST, invalid));
            return;
        }
        LongConsumer apply = playerId -> {
            mutes.set(playerId, r.getRoomId(), TimeUnit.SECONDS.toMillis(seconds), r.getReason());
            audit.record(a.name(), permissions.rolesOf(a.name(), a.roles()), seconds == 0 ? "unmute" : "mute",
                    name + (r.getRoomId() == 0 ? " everywhere" : " in room " + Long.toUnsignedString(r.getRoomId()))
                            + (seconds == 0 ? "" : " for " + seconds + " s"), r.getReason());
            a.send(muted(Result.OK, ""));
        };
        OnlinePlayer online = presence.find(name);
        if (online != null) {
            apply.accept(online.playerId());
            return;
        }
        try {
            blocking.execute(() -> {
                Optional<Account> account;
                try {
                    account = accounts.find(name);
                } catch (SQLException | RuntimeException e) {
                    a.loop().execute(() -> a.send(muted(Result.SERVER_BUSY, BUSY)));
                    return;
                }
                a.loop().execute(() -> {
                    if (account.isEmpty()) {
                        a.send(muted(Result.PLAYER_NOT_FOUND, "no player " + name));
                    } else {
                        apply.accept(account.get().id());
                    }
                });
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            a.send(muted(Result.SERVER_BUSY, BUSY));
        }
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
}
