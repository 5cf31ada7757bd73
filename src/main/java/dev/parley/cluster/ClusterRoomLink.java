package dev.parley.cluster;

import dev.parley.logging.LogLimiter;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;
import dev.parley.room.Room;
import dev.parley.room.RoomLink;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One room replica's tie to the cluster ({@link RoomLink}): runs the room's scripts in Redis and
 * hands what the room's channel brings to the room's job queue. Created per replica by
 * {@link ClusterRoomDirectory}, which subscribes it and loads the room.
 *
 * <p>Threads: the room calls it on its job queue; {@link #onEvent} runs on the Redis client's
 * pub/sub thread, in channel order, and only submits to the room.
 */
final class ClusterRoomLink implements RoomLink {

    private static final Logger log = LoggerFactory.getLogger(ClusterRoomLink.class);
    private static final LogLimiter FAILURES = new LogLimiter(log, Duration.ofSeconds(30));

    /**
     * How far numbering jumps when the cluster lost a room's counter (a Redis restart without its
     * data): past every seq that may have been numbered but not seen here. Seqs are plentiful.
     */
    static final long SEQ_SKIP_AFTER_LOSS = 100_000;
    /** How many messages a room's log in Redis keeps (about; trimmed lazily): enough to fill gaps and load replicas. */
    static final long LOG_LENGTH = 10_000;

    private final ClusterRoomDirectory directory;
    private final long roomId;
    private final String channel;
    private volatile Room room;

    ClusterRoomLink(ClusterRoomDirectory directory, long roomId) {
        this.directory = directory;
        this.roomId = roomId;
        this.channel = ClusterKeys.roomChannel(roomId);
    }

    void bind(Room room) {
        this.room = room;
    }

    long roomId() {
        return roomId;
    }

    String channel() {
        return channel;
    }

    @Override
    public CompletionStage<Long> publish(ChatNotify message, long lastSeen) {
        NodeIdentity node = directory.node();
        return directory.redis().<Long>eval(RoomScripts.PUBLISH, ScriptOutputType.INTEGER,
                new String[]{ClusterKeys.nodeLease(node.nodeId()), ClusterKeys.roomSeq(roomId), ClusterKeys.roomLog(roomId)},
                ascii(node.epoch()), ascii(Long.toString(lastSeen + SEQ_SKIP_AFTER_LOSS)), ascii(channel),
                message.toByteArray(), ascii(Long.toString(LOG_LENGTH)))
                .exceptionally(failure -> {
                    String why = RedisLink.rootMessage(failure);
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof io.lettuce.core.RedisCommandTimeoutException) {
                        // sent, but unanswered: Redis may have run it
                        throw new java.util.concurrent.CompletionException(
                                new RoomLink.OutcomeUnknownException("the cluster's Redis is slow", failure));
                    }
                    throw new java.util.concurrent.CompletionException(new IllegalStateException(
                            why.startsWith("FENCED") ? "this node lost its cluster lease"
                                    : "the cluster's Redis is unreachable (" + why + ")", failure));
                });
    }

    @Override
    public CompletionStage<List<ChatNotify>> fill(long afterSeq, long beforeSeq) {
        if (beforeSeq - afterSeq <= 1) {
            return CompletableFuture.completedFuture(List.of());
        }
        return directory.log(roomId, afterSeq + 1, (beforeSeq - 1) + "-0")
                .thenCompose(entries -> {
                    TreeMap<Long, ChatNotify> found = new TreeMap<>();
                    for (ChatNotify m : entries) {
                        found.put(m.getSeq(), m);
                    }
                    if (found.size() >= beforeSeq - afterSeq - 1) {
                        return CompletableFuture.completedFuture(List.copyOf(found.values()));
                    }
                    // trimmed from the log, or Redis lost it: the database has what any node stored
                    return directory.stored(roomId, afterSeq, beforeSeq - 1).thenApply(rows -> {
                        for (ChatNotify m : rows) {
                            found.putIfAbsent(m.getSeq(), m);
                        }
                        return List.copyOf(found.values());
                    });
                });
    }

    @Override
    public void joined(Member member) {
        NodeIdentity node = directory.node();
        run(RoomScripts.JOIN, new String[]{ClusterKeys.roomMembers(roomId), ClusterKeys.nodeMemberships(node.nodeId())},
                ascii(Long.toString(member.getPlayerId())), RoomEvents.memberValue(node.nodeId(), member),
                ascii(membership(member.getPlayerId())), ascii(channel));
    }

    @Override
    public void left(Member member) {
        NodeIdentity node = directory.node();
        Room r = room;
        boolean adHoc = r != null && !r.isPermanent();
        run(RoomScripts.LEAVE, new String[]{ClusterKeys.roomMembers(roomId), ClusterKeys.nodeMemberships(node.nodeId()),
                        ClusterKeys.rooms(), ClusterKeys.roomSeq(roomId), ClusterKeys.roomLog(roomId)},
                ascii(Long.toString(member.getPlayerId())), (node.nodeId() + "|").getBytes(StandardCharsets.UTF_8),
                ascii(membership(member.getPlayerId())), ascii(channel), ascii(Long.toUnsignedString(roomId)),
                ascii(adHoc ? "1" : "0"), ascii(ClusterKeys.roomsChannel()));
    }

    @Override
    public void kick(long playerId) {
        directory.redis().publish(channel, RoomEvents.kick(playerId)).exceptionally(this::failed);
    }

    @Override
    public void removed(String reason) {
        run(RoomScripts.REMOVE, new String[]{ClusterKeys.rooms(), ClusterKeys.roomMembers(roomId)},
                ascii(Long.toUnsignedString(roomId)), ascii(channel), RoomEvents.removed(reason),
                ascii(ClusterKeys.roomsChannel()));
    }

    @Override
    public void closed() {
        directory.replicaClosed(this);
    }

    /** Pub/sub thread: one event of the room's channel, handed to the room's job queue. */
    void onEvent(byte[] bytes) {
        Room r = room;
        if (r == null) {
            return;
        }
        RoomEvents.Event e;
        try {
            e = RoomEvents.decode(bytes);
        } catch (IllegalArgumentException ex) {
            FAILURES.warn("room:{} channel: {}", roomId, ex.getMessage());
            return;
        }
        switch (e.type()) {
            case 'M' -> r.submit(() -> r.received(e.message()));
            case 'J' -> {
                if (!e.nodeId().equals(directory.node().nodeId())) {
                    r.submit(() -> r.remoteJoined(e.member()));
                }
            }
            case 'L' -> r.submit(() -> r.remoteLeft(e.playerId()));
            case 'K' -> r.submit(() -> r.remoteKicked(e.playerId()));
            case 'X' -> r.submit(() -> r.remoteRemoved(e.reason()));
            default -> { }
        }
    }

    private String membership(long playerId) {
        return Long.toUnsignedString(roomId) + ":" + playerId;
    }

    private void run(LuaScript script, String[] keys, byte[]... args) {
        directory.redis().eval(script, ScriptOutputType.INTEGER, keys, args).exceptionally(this::failed);
    }

    private <T> T failed(Throwable failure) {
        FAILURES.warn("room:{} cluster update failed (Redis unreachable?): {}", roomId, RedisLink.rootMessage(failure));
        return null;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
