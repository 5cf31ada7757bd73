package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.api.ApiServer.Call;
import dev.parley.api.ApiServer.Reply;
import dev.parley.api.ApiServer.Route;
import dev.parley.content.BlockedWords;
import dev.parley.content.Names;
import dev.parley.metrics.ServerMetrics;
import dev.parley.moderation.Bans;
import dev.parley.moderation.ModerationService;
import dev.parley.moderation.Mutes;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import dev.parley.store.AuditLog;
import dev.parley.store.RoomStore;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server API's endpoints (docs/api.md): rooms, their members, online players, system
 * messages, permanent rooms, the blocked-words reload, the audit log, and moderation (kick, mute,
 * ban, unban, players' roles, the bans and mutes in force, through moderation.ModerationService). Each state change is
 * written to the {@link AuditLog} as role "api" with the key's id.
 *
 * <p>Thread: the admin port's handler threads. Room state is read and changed on the room's job
 * queue, database work on the blocking pool; a call waits for either at most
 * {@link ApiServer#CALL_TIMEOUT}, then answers 503.
 */
public final class Endpoints {

    static final String ROLE = "api";
    /** The most audit entries one call returns. */
    public static final int AUDIT_MAX = 500;
    public static final int AUDIT_DEFAULT = 100;
    /** The longest system message sender label. */
    public static final int MAX_LABEL = 64;

    /** Opens a new permanent room and lists it (room.PermanentRooms). Blocking. */
    @FunctionalInterface
    public interface PermanentRoomOpener {
        Room open(String name, int maxMembers) throws SQLException;
    }

    /** What the endpoints work with, wired by the server. */
    public record Backend(RoomService rooms, Presence presence, BlockedWords blockedWords, AuditLog audit,
                          RoomStore roomStore, PermanentRoomOpener opener, Executor blocking,
                          int defaultMaxMembers, int maxRooms, ModerationService moderation,
                          ServerMetrics metrics) {
    }

    private final Backend b;

    public Endpoints(Backend backend) {
        this.b = backend;
    }

    /** Every route of API version 1. */
    public List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/rooms", this::listRooms),
                new Route("POST", "/api/v1/rooms", this::createRoom),
                new Route("DELETE", "/api/v1/rooms/{room_id}", this::removeRoom),
                new Route("GET", "/api/v1/rooms/{room_id}/members", this::members),
                new Route("POST", "/api/v1/rooms/{room_id}/messages", this::postMessage),
                new Route("DELETE", "/api/v1/rooms/{room_id}/messages/{seq}", this::deleteMessage),
                new Route("GET", "/api/v1/players/online", this::onlinePlayers),
                new Route("POST", "/api/v1/blocked-words/reload", this::reloadBlockedWords),
                new Route("GET", "/api/v1/audit", this::audit),
                new Route("POST", "/api/v1/players/{name}/kick", this::kick),
                new Route("POST", "/api/v1/players/{name}/mute", this::mute),
                new Route("POST", "/api/v1/players/{name}/ban", this::ban),
                new Route("DELETE", "/api/v1/players/{name}/ban", this::unban),
                new Route("GET", "/api/v1/players/{name}/roles", this::roles),
                new Route("GET", "/api/v1/bans", this::listBans),
                new Route("GET", "/api/v1/mutes", this::listMutes),
                new Route("PUT", "/api/v1/players/{name}/roles", this::setRoles));
    }

    private Reply listRooms(Call call) {
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (RoomInfo info : b.rooms().directory().listing()) {
            rooms.add(room(info));
        }
        return Reply.ok(Map.of("rooms", rooms));
    }

    private static Map<String, Object> room(RoomInfo info) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("room_id", info.getRoomId());
        r.put("name", info.getName());
        r.put("members", info.getMemberCount());
        r.put("max", info.getMaxMembers());
        r.put("permanent", info.getPermanent());
        return r;
    }

    private Reply members(Call call) throws Exception {
        long id = roomId(call);
        List<Member> members = await(b.rooms().members(id), id);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Member m : members) {
            out.add(player(m.getPlayerId(), m.getName()));
        }
        return Reply.ok(Map.of("room_id", id, "members", out));
    }

    private Reply onlinePlayers(Call call) throws InterruptedException {
        // in a cluster the other nodes' players are read from Redis: asked without blocking, waited for (bounded) here
        List<OnlinePlayer> players = get(b.presence().everywhere().handle((all, e) -> {
            if (e != null) {
                throw ApiException.busy("cannot list the other nodes' players (the cluster's Redis did not answer)");
            }
            return all;
        }));
        List<Map<String, Object>> out = new ArrayList<>();
        for (OnlinePlayer p : players) {
            out.add(player(p.playerId(), p.name()));
        }
        return Reply.ok(Map.of("count", out.size(), "players", out));
    }

    private static Map<String, Object> player(long id, String name) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("player_id", id);
        p.put("name", name);
        return p;
    }

    private Reply postMessage(Call call) throws Exception {
        long id = roomId(call);
        String text = text(call.body(), "text", true);
        String label = text(call.body(), "sender", false);
        label = label == null ? "Server" : Names.normalise(label).strip();
        if (label.isEmpty() || label.length() > MAX_LABEL) {
            throw ApiException.badRequest("sender must have 1.." + MAX_LABEL + " characters");
        }
        String broken = b.rooms().invalidText(text);
        if (broken != null) {
            throw ApiException.badRequest("text: " + broken);
        }
        Room.Published p = await(b.rooms().postSystem(id, label, text), id);
        if (p.result() == Result.ROOM_NOT_FOUND) {
            throw ApiException.notFound(p.reason());
        }
        if (p.result() != Result.OK) {
            throw ApiException.busy(p.reason());
        }
        b.audit().record(call.keyId(), ROLE, "room.message", target(id), label + ": " + text);
        return Reply.created(Map.of("room_id", id, "seq", p.seq()));
    }

    /**
     * Deletes a message as a moderator would: a DELETE event numbered in the room (sender
     * {0, "api"}), see docs/protocol.md, Edits and deletes. {@code ?reason=} goes to the audit log.
     */
    private Reply deleteMessage(Call call) throws Exception {
        long id = roomId(call);
        String raw = call.path().get("seq");
        long seq;
        try {
            seq = Long.parseUnsignedLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("seq '" + raw + "' is not a message seq");
        }
        String reason = call.query().getOrDefault("reason", ""); // the audit log cuts a long one
        Room.Published p;
        try {
            p = await(b.rooms().deleteAsServer(id, seq, ROLE), id);
        } catch (ApiException e) {
            b.metrics().moderationAction("delete", ServerMetrics.SOURCE_API,
                    e.status() == 404 ? Result.ROOM_NOT_FOUND : Result.SERVER_BUSY);
            throw e;
        }
        b.metrics().moderationAction("delete", ServerMetrics.SOURCE_API, p.result());
        if (p.result() == Result.ROOM_NOT_FOUND || p.result() == Result.MESSAGE_NOT_FOUND) {
            throw ApiException.notFound(p.reason());
        }
        if (p.result() != Result.OK) {
            throw ApiException.busy(p.reason());
        }
        b.audit().record(call.keyId(), ROLE, "message.delete", target(id) + "/seq:" + Long.toUnsignedString(seq), reason);
        return Reply.ok(Map.of("room_id", id, "seq", p.seq(), "target_seq", seq));
    }

    private Reply createRoom(Call call) throws Exception {
        String name = Names.normalise(text(call.body(), "name", true));
        String reason = Names.checkRoomName(name);
        if (reason != null) {
            throw ApiException.badRequest("name: " + reason);
        }
        JsonNode maxNode = call.body().get("max_members");
        int max = b.defaultMaxMembers();
        if (maxNode != null && !maxNode.isNull()) {
            if (!maxNode.canConvertToInt() || !maxNode.isIntegralNumber()) {
                throw ApiException.badRequest("max_members must be a whole number");
            }
            int asked = maxNode.intValue();
            if (asked != 0 && (asked < 2 || asked > b.defaultMaxMembers())) {
                throw ApiException.badRequest("max_members must be within 2.." + b.defaultMaxMembers() + " (0 = that)");
            }
            max = asked == 0 ? max : asked;
        }
        int members = max;
        Room room = blocking(() -> {
            // one at a time: the check for a listed room of that name and the opening go together
            synchronized (this) {
                for (RoomInfo info : b.rooms().directory().listing()) {
                    if (info.getPermanent() && info.getName().equalsIgnoreCase(name)) {
                        throw new ApiException(409, "conflict", "permanent room " + info.getName() + " exists (id "
                                + Long.toUnsignedString(info.getRoomId()) + ")");
                    }
                }
                if (b.rooms().directory().size() >= b.maxRooms()) {
                    throw ApiException.busy("the server holds its maximum of " + b.maxRooms() + " rooms");
                }
                return b.opener().open(name, members);
            }
        });
        b.audit().record(call.keyId(), ROLE, "room.create", target(room.id()), name);
        return Reply.created(room(room.info()));
    }

    private Reply removeRoom(Call call) throws Exception {
        long id = roomId(call);
        Room room = b.rooms().directory().find(id);
        if (room == null) {
            throw ApiException.notFound("no room " + Long.toUnsignedString(id));
        }
        if (!room.isPermanent()) {
            throw new ApiException(409, "conflict", room + " is not permanent; it goes when its last member leaves");
        }
        // forgotten first: a restart must not bring back a room the API removed
        blocking(() -> {
            b.roomStore().removePermanent(id);
            return null;
        });
        String notice = "room " + room.name() + " (#" + Long.toUnsignedString(id) + ") was removed by the server";
        boolean removed = await(b.rooms().remove(id, notice), id);
        if (!removed) {
            throw ApiException.notFound("no room " + Long.toUnsignedString(id));
        }
        b.audit().record(call.keyId(), ROLE, "room.remove", target(id), room.name());
        return Reply.ok(Map.of("room_id", id, "removed", true));
    }

    private Reply reloadBlockedWords(Call call) {
        int words;
        try {
            words = b.blockedWords().reload();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage() + "; the previous list stays in use");
        }
        b.audit().record(call.keyId(), ROLE, "blocked_words.reload", String.valueOf(b.blockedWords().file()),
                words + " words");
        return Reply.ok(Map.of("words", words));
    }

    private Reply audit(Call call) throws Exception {
        int limit = (int) number(call, "limit", AUDIT_DEFAULT, 1, AUDIT_MAX);
        long before = number(call, "before_id", 0, 0, Long.MAX_VALUE);
        List<AuditLog.Entry> entries = blocking(() -> b.audit().read(limit, before));
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditLog.Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("time_ms", e.atMs());
            m.put("actor", e.actor());
            m.put("role", e.role());
            m.put("action", e.action());
            m.put("target", e.target());
            m.put("reason", e.reason());
            out.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("entries", out);
        if (entries.size() == limit) {
            doc.put("next_before_id", entries.get(entries.size() - 1).id());
        }
        return Reply.ok(doc);
    }

    private Reply kick(Call call) throws Exception {
        long room = wholeNumber(call.body(), "room_id", true);
        if (room == 0) {
            throw ApiException.badRequest("room_id must name a room");
        }
        return moderated(b.moderation().kick(ModerationService.Moderator.api(call.keyId()), room, name(call),
                reason(call.body())));
    }

    private Reply mute(Call call) throws Exception {
        long room = wholeNumber(call.body(), "room_id", false);
        long seconds = wholeNumber(call.body(), "duration_s", true);
        return moderated(b.moderation().mute(ModerationService.Moderator.api(call.keyId()), room, name(call), seconds,
                reason(call.body())));
    }

    private Reply ban(Call call) throws Exception {
        long seconds = wholeNumber(call.body(), "duration_s", false);
        return moderated(b.moderation().ban(ModerationService.Moderator.api(call.keyId()), name(call), seconds,
                reason(call.body())));
    }

    private Reply unban(Call call) throws Exception {
        return moderated(b.moderation().unban(ModerationService.Moderator.api(call.keyId()), name(call)));
    }

    /**
     * A player's roles: {@code roles} those given through this API (what PUT sets), {@code effective}
     * every role it holds now with its sources; token roles are known only while it is online.
     */
    private Reply roles(Call call) throws Exception {
        ModerationService.Roles r = get(b.moderation().roles(name(call)));
        succeeded(r.outcome());
        List<Map<String, Object>> effective = new ArrayList<>();
        r.effective().forEach((role, sources) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("role", role);
            e.put("sources", List.copyOf(sources));
            effective.add(e);
        });
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", Names.normalise(name(call)));
        doc.put("roles", r.granted());
        doc.put("online", r.online());
        doc.put("effective", effective);
        return Reply.ok(doc);
    }

    /** The bans in force (from memory: no database), by player id; {@code until_ms} null = permanent. */
    private Reply listBans(Call call) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Bans.Listed l : b.moderation().bans()) {
            Bans.Ban ban = l.ban();
            Map<String, Object> m = player(l.playerId(), ban.player());
            m.put("until_ms", ban.permanent() ? null : ban.untilMs());
            m.put("permanent", ban.permanent());
            m.put("reason", ban.reason());
            m.put("by", ban.by());
            out.add(m);
        }
        return Reply.ok(Map.of("count", out.size(), "bans", out));
    }

    /** The mutes in force (from memory: no database), by player id and room; {@code room_id} 0 = everywhere. */
    private Reply listMutes(Call call) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Mutes.Listed l : b.moderation().mutes()) {
            Mutes.Mute mute = l.mute();
            Map<String, Object> m = player(l.playerId(), mute.player());
            m.put("room_id", mute.roomId());
            m.put("until_ms", mute.untilMs());
            m.put("reason", mute.reason());
            m.put("by", mute.by());
            out.add(m);
        }
        return Reply.ok(Map.of("count", out.size(), "mutes", out));
    }

    /** Gives a player exactly the roles of {@code {"roles": [...]}} (moderator, admin; [] = none). */
    private Reply setRoles(Call call) throws Exception {
        JsonNode list = call.body().isObject() ? call.body().get("roles") : null;
        if (list == null || !list.isArray()) {
            throw ApiException.badRequest("roles must be a list of role names, e.g. [\"moderator\"]");
        }
        List<String> roles = new ArrayList<>();
        for (JsonNode r : list) {
            if (!r.isTextual()) {
                throw ApiException.badRequest("roles must be a list of strings");
            }
            roles.add(r.textValue());
        }
        return moderated(b.moderation().setRoles(ModerationService.Moderator.api(call.keyId()), name(call), roles));
    }

    /** A moderation action's outcome as HTTP: 200, or 404 / 400 / 503 with the reason. */
    private static Reply moderated(CompletableFuture<ModerationService.Outcome> f) throws InterruptedException {
        succeeded(get(f));
        return Reply.ok(Map.of("result", "OK"));
    }

    /** Returns when {@code o} is OK; else throws its HTTP error: 404 / 400 / 503 with the reason. */
    private static void succeeded(ModerationService.Outcome o) {
        switch (o.result()) {
            case OK -> { }
            case PLAYER_NOT_FOUND, ROOM_NOT_FOUND, NOT_IN_ROOM -> throw ApiException.notFound(o.reason());
            case INVALID_REQUEST -> throw ApiException.badRequest(o.reason());
            default -> throw ApiException.busy(o.reason());
        }
    }

    private static String name(Call call) {
        return call.path().get("name");
    }

    private static String reason(JsonNode body) {
        String reason = body.isObject() ? text(body, "reason", false) : null;
        return reason == null ? "" : reason;
    }

    /** A non-negative whole-number field of the body; 0 when absent and not required. */
    private static long wholeNumber(JsonNode body, String field, boolean required) {
        if (!body.isObject()) {
            if (required) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return 0;
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is missing");
            }
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw ApiException.badRequest(field + " must be a whole number, at least 0");
        }
        return n.longValue();
    }

    private static String target(long roomId) {
        return "room:" + Long.toUnsignedString(roomId);
    }

    private static long roomId(Call call) {
        String raw = call.path().get("room_id");
        try {
            return Long.parseUnsignedLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("room_id '" + raw + "' is not a room id");
        }
    }

    private static long number(Call call, String name, long dflt, long min, long max) {
        String raw = call.query().get(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " must be a whole number within " + min + ".." + max);
    }

    /** A string field of the body; null when absent and not required. */
    private static String text(JsonNode body, String field, boolean required) {
        if (!body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is missing");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return n.textValue();
    }

    /** The room's answer, or 404 (no such room) / 503 (shutting down, or no answer in time). */
    private static <T> T await(CompletableFuture<T> f, long roomId) throws InterruptedException {
        if (f == null) {
            throw ApiException.notFound("no room " + Long.toUnsignedString(roomId));
        }
        return get(f);
    }

    /** Runs database work on the blocking pool and waits for it, bounded. */
    private <T> T blocking(Callable<T> work) throws InterruptedException {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            b.blocking().execute(() -> {
                try {
                    f.complete(work.call());
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw ApiException.busy("the database queue is full; try again shortly");
        }
        return get(f);
    }

    private static <T> T get(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(ApiServer.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiException.busy("no answer within " + ApiServer.CALL_TIMEOUT.toSeconds() + " s; try again shortly");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            if (cause instanceof RejectedExecutionException) {
                throw ApiException.busy("the server is shutting down");
            }
            if (cause instanceof SQLException) {
                throw ApiException.busy("the database failed: " + cause.getMessage());
            }
            throw new IllegalStateException(cause);
        }
    }
}
