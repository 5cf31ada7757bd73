package dev.parley.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.history.RoomHistory;
import dev.parley.logging.LogLimiter;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.room.Room;
import dev.parley.room.RoomContext;
import dev.parley.room.RoomDirectory;
import dev.parley.room.RoomLink;
import dev.parley.room.RoomSequence;
import dev.parley.store.MessageStore;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The room directory of a cluster node (docs/SCALING.md): every room of the cluster is listed and
 * joinable here; this node holds a replica ({@link Room} with a {@link ClusterRoomLink}) only of
 * the rooms it has members in, or serves a request for, and listens to those rooms' channels
 * only (local interest). The list of rooms is a mirror of the {@code rooms} hash in Redis, kept
 * current by the rooms channel and refreshed every {@link #REFRESH} (with member counts, and
 * re-registering this node's rooms should Redis have lost them).
 *
 * <p>Thread-safe: event loops find, add and list rooms; a replica's job queue removes it; the
 * Redis client's threads update the mirror and load replicas.
 */
public final class ClusterRoomDirectory implements RoomDirectory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterRoomDirectory.class);
    private static final LogLimiter FAILURES = new LogLimiter(log, Duration.ofSeconds(30));
    /** How often the room list (and member counts) is read again from Redis. */
    static final Duration REFRESH = Duration.ofSeconds(2);
    /** How long a fenced node waits for its rooms to drop their members before it registers again. */
    static final Duration FENCE_WAIT = Duration.ofSeconds(3);
    /**
     * How long an ad-hoc room stays listed with no member on any node (its members died with
     * their node) before it is removed: long enough for them to reconnect to another node and
     * resume it.
     */
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(60);

    private final RedisLink redis;
    private final NodeIdentity node;
    private final LongSupplier ids;
    private final ConcurrentMap<Long, Room> replicas = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, ClusterRoomLink> links = new ConcurrentHashMap<>();
    /** The permanent rooms this node registered, re-registered if Redis loses them. */
    private final ConcurrentMap<Long, RoomInfo> permanent = new ConcurrentHashMap<>();
    private volatile ConcurrentSkipListMap<Long, RoomInfo> known = new ConcurrentSkipListMap<>();
    private volatile Replicas make;
    private volatile io.netty.util.concurrent.ScheduledFuture<?> refreshing;
    /** Ad-hoc rooms seen with no member, since when (System.nanoTime); refresh only. */
    private final Map<Long, Long> emptySince = new ConcurrentHashMap<>();

    /** What replicas are made of: set once by {@link #start}, before clients connect. */
    private record Replicas(RoomContext context, EventExecutorGroup executors, MessageStore reads, Executor blocking) {
    }

    /** @param ids hands out room ids never used before (the shared database's allocator), or 0 */
    public ClusterRoomDirectory(RedisLink redis, NodeIdentity node, LongSupplier ids) {
        this.redis = redis;
        this.node = node;
        this.ids = ids;
    }

    /**
     * Starts serving: reads the cluster's rooms, listens to the rooms channel, refreshes the list
     * every {@link #REFRESH} and resyncs replicas after Redis comes back. Blocking (at start).
     */
    public void start(RoomContext context, EventExecutorGroup executors, MessageStore reads, Executor blocking) {
        make = new Replicas(context, executors, reads, blocking);
        redis.subscribe(ClusterKeys.roomsChannel(), this::onRoomsEvent).toCompletableFuture().join();
        refresh().toCompletableFuture().join();
        refreshing = executors.next().scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
        redis.onReconnect(this::resyncAll);
    }

    NodeIdentity node() {
        return node;
    }

    RedisLink redis() {
        return redis;
    }

    @Override
    public long newRoomId() {
        return ids.getAsLong();
    }

    @Override
    public RoomLink newLink(long roomId) {
        ClusterRoomLink link = new ClusterRoomLink(this, roomId);
        links.put(roomId, link);
        return link;
    }

    /**
     * A new room of this node (its link from {@link #newLink}) is registered in the cluster and
     * loaded; a room without a link is a permanent room this node opened from the database: it
     * is registered, and replicas of it are made when needed.
     */
    @Override
    public void add(Room room) {
        ClusterRoomLink link = links.get(room.id());
        if (link == null) {
            registerPermanent(room);
            return;
        }
        link.bind(room);
        replicas.put(room.id(), room);
        known.put(room.id(), room.info());
        load(room, link, true);
    }

    private void registerPermanent(Room room) {
        Replicas r = make;
        RoomInfo info = room.info();
        permanent.put(room.id(), info);
        known.put(room.id(), info);
        room.submit(() -> {
            long lastSeq = room.lastSeq();
            r.context().history().closed(room.id()); // replicas open their own
            register(info, Long.toString(lastSeq));
        });
    }

    private CompletionStage<Object> register(RoomInfo info, String startSeq) {
        return redis.eval(RoomScripts.REGISTER, ScriptOutputType.INTEGER,
                        new String[]{ClusterKeys.rooms(), ClusterKeys.roomSeq(info.getRoomId())},
                        ClusterRoomLink.ascii(Long.toUnsignedString(info.getRoomId())), info.toByteArray(),
                        ClusterRoomLink.ascii(ClusterKeys.roomsChannel()), ClusterRoomLink.ascii(startSeq))
                .exceptionally(f -> {
                    FAILURES.warn("room:{} could not be registered in the cluster: {}", info.getRoomId(),
                            RedisLink.rootMessage(f));
                    return null;
                });
    }

    @Override
    public Room find(long roomId) {
        Room room = replicas.get(roomId);
        if (room != null) {
            return room;
        }
        RoomInfo info = known.get(roomId);
        Replicas r = make;
        if (info == null || r == null) {
            return null;
        }
        ClusterRoomLink[] made = new ClusterRoomLink[1];
        room = replicas.computeIfAbsent(roomId, id -> {
            ClusterRoomLink link = new ClusterRoomLink(this, id);
            links.put(id, link);
            Room replica = new Room(id, info.getName(), info.getMaxMembers(), r.executors().next(), info.getPermanent(),
                    RoomSequence.startingAfter(0), null, r.context(), link);
            link.bind(replica);
            made[0] = link;
            return replica;
        });
        if (made[0] != null) {
            r.context().metrics().roomCreated();
            load(room, made[0], false);
        }
        return room;
    }

    @Override
    public void remove(Room room) {
        replicas.remove(room.id(), room);
    }

    /** A replica is gone: stop listening to its room. */
    void replicaClosed(ClusterRoomLink link) {
        links.remove(link.roomId(), link);
        redis.unsubscribe(link.channel());
    }

    @Override
    public Iterable<RoomInfo> listing() {
        List<RoomInfo> out = new ArrayList<>(known.size());
        for (Map.Entry<Long, RoomInfo> e : known.entrySet()) {
            Room here = replicas.get(e.getKey());
            out.add(here != null ? here.info() : e.getValue());
        }
        return out;
    }

    @Override
    public int size() {
        return known.size();
    }

    /**
     * Listens to the room, then reads where it stands (its seq, the other nodes' members, its
     * latest messages from the database and, above what the database has, from the room's log in
     * Redis) and activates the replica. A new room starts at seq 0 and is registered once its creator is in.
     */
    private void load(Room room, ClusterRoomLink link, boolean isNew) {
        Replicas r = make;
        long id = room.id();
        CompletionStage<Void> listening = redis.subscribe(link.channel(), link::onEvent);
        CompletionStage<Loaded> loaded = isNew
                ? listening.thenApply(v -> new Loaded(r.context().history().open(id), 0, Map.of(), List.of()))
                : listening.thenCompose(v -> clusterState(id)).thenCompose(state -> stored(r, id, state));
        loaded.whenComplete((l, failure) -> {
            if (failure != null) {
                String why = RedisLink.rootMessage(failure);
                FAILURES.warn("room:{} could not be loaded on this node: {}", id, why);
                room.submit(() -> room.loadFailed("the room cannot be reached now (" + why + "); try again shortly"));
            } else {
                room.submit(() -> room.activate(l.history(), l.lastSeq(), l.others(), l.unstored()));
                if (isNew) {
                    // listed only now: its creator is in its member hash by then (the creation ran in
                    // activate and sent its join first, on the same connection), and its counter is
                    // set before its first message can be numbered
                    room.submit(() -> register(room.info(), "0"));
                }
            }
        });
    }

    /** A replica, loaded: its tail, the room's seq, the other nodes' members, and messages no database row holds yet. */
    private record Loaded(RoomHistory history, long lastSeq, Map<Long, Member> others, List<ChatNotify> unstored) {
    }

    /** The room's seq and the other nodes' members in Redis. */
    private record ClusterState(long seq, Map<Long, Member> others) {
    }

    private CompletionStage<ClusterState> clusterState(long roomId) {
        CompletionStage<byte[]> seq = redis.commands().get(ClusterKeys.roomSeq(roomId));
        CompletionStage<Map<String, byte[]>> members = redis.commands().hgetall(ClusterKeys.roomMembers(roomId));
        return seq.thenCombine(members, (s, m) -> new ClusterState(
                s == null ? 0 : Long.parseLong(new String(s, StandardCharsets.US_ASCII)), others(m)));
    }

    /** The members of other nodes in a room's member hash. */
    private Map<Long, Member> others(Map<String, byte[]> hash) {
        Map<Long, Member> out = new LinkedHashMap<>();
        for (byte[] value : hash.values()) {
            try {
                RoomEvents.MemberValue v = RoomEvents.memberValue(value);
                if (!v.nodeId().equals(node.nodeId())) {
                    out.put(v.member().getPlayerId(), v.member());
                }
            } catch (IllegalArgumentException e) {
                FAILURES.warn("malformed member entry: {}", e.getMessage());
            }
        }
        return out;
    }

    /** Reads the room's stored tail (blocking executor), then the log above it. */
    private CompletionStage<Loaded> stored(Replicas r, long roomId, ClusterState state) {
        int keep = r.context().history().joinHistory();
        return CompletableFuture.supplyAsync(() -> {
            try {
                long maxStored = r.reads().maxSeq(roomId);
                List<ChatNotify> preload = keep > 0 ? r.reads().latest(roomId, keep) : List.of();
                return new Object[]{maxStored, preload};
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, r.blocking()).thenCompose(read -> {
            long maxStored = (Long) read[0];
            @SuppressWarnings("unchecked")
            List<ChatNotify> preload = (List<ChatNotify>) read[1];
            long last = Math.max(state.seq(), maxStored);
            CompletionStage<List<ChatNotify>> above = last > maxStored
                    ? log(roomId, maxStored + 1, last + "-0")
                    : CompletableFuture.completedFuture(List.of());
            return above.thenApply(unstored -> {
                List<ChatNotify> tail = new ArrayList<>(preload);
                tail.addAll(unstored);
                long floor = keep == 0 ? maxStored : preload.size() < keep ? 0 : preload.get(0).getSeq() - 1;
                RoomHistory history = r.context().history().open(roomId, maxStored, tail, floor);
                return new Loaded(history, last, state.others(), unstored);
            });
        });
    }

    /**
     * The messages of a room's log in Redis from seq {@code fromSeq} up to the stream id
     * {@code upToId} ({@code "<seq>-0"}, or {@code "+"} for the end), ascending; malformed
     * entries are logged and left out.
     */
    CompletionStage<List<ChatNotify>> log(long roomId, long fromSeq, String upToId) {
        return redis.commands().xrange(ClusterKeys.roomLog(roomId), Range.create(fromSeq + "-0", upToId))
                .thenApply(entries -> {
                    List<ChatNotify> out = new ArrayList<>(entries.size());
                    for (StreamMessage<String, byte[]> e : entries) {
                        long seq = Long.parseLong(e.getId().substring(0, e.getId().indexOf('-')));
                        try {
                            out.add(RoomEvents.message(seq, e.getBody().get("m")));
                        } catch (InvalidProtocolBufferException ex) {
                            FAILURES.warn("room:{} log entry {} is malformed: {}", roomId, seq, ex.getMessage());
                        }
                    }
                    return out;
                });
    }

    /** Stored messages {@code afterSeq < seq <= upTo} of a room (blocking executor). */
    CompletionStage<List<ChatNotify>> stored(long roomId, long afterSeq, long upTo) {
        Replicas r = make;
        return CompletableFuture.supplyAsync(() -> {
            try {
                return r.reads().range(roomId, afterSeq, upTo, (int) Math.min(upTo - afterSeq, 10_000), true);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, r.blocking());
    }

    /** Rooms channel: a room was created ('C' + RoomInfo) or removed ('D' + id) anywhere. */
    private void onRoomsEvent(byte[] event) {
        try {
            if (event.length > 0 && event[0] == 'C') {
                RoomInfo info = RoomInfo.parseFrom(java.util.Arrays.copyOfRange(event, 1, event.length));
                known.put(info.getRoomId(), info);
            } else if (event.length > 0 && event[0] == 'D') {
                long id = Long.parseUnsignedLong(new String(event, 1, event.length - 1, StandardCharsets.US_ASCII));
                known.remove(id);
                permanent.remove(id);
            }
        } catch (InvalidProtocolBufferException | NumberFormatException e) {
            FAILURES.warn("malformed rooms event: {}", e.getMessage());
        }
    }

    /** Reads the rooms and their member counts again; re-registers this node's rooms Redis lost. */
    private CompletionStage<Void> refresh() {
        return redis.commands().hgetall(ClusterKeys.rooms()).thenCompose(all -> {
            Map<Long, RoomInfo> infos = new HashMap<>();
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                try {
                    infos.put(Long.parseUnsignedLong(e.getKey()), RoomInfo.parseFrom(e.getValue()));
                } catch (InvalidProtocolBufferException | NumberFormatException ex) {
                    FAILURES.warn("malformed room entry {}: {}", e.getKey(), ex.getMessage());
                }
            }
            Map<Long, CompletableFuture<Long>> counts = new HashMap<>();
            for (Long id : infos.keySet()) {
                counts.put(id, redis.commands().hlen(ClusterKeys.roomMembers(id)).toCompletableFuture());
            }
            return CompletableFuture.allOf(counts.values().toArray(new CompletableFuture[0])).thenRun(() -> {
                ConcurrentSkipListMap<Long, RoomInfo> next = new ConcurrentSkipListMap<>();
                infos.forEach((id, info) -> next.put(id, info.toBuilder()
                        .setMemberCount((int) Math.min(counts.get(id).join(), Integer.MAX_VALUE)).build()));
                reassert(next);
                known = next;
                removeOrphans(next);
            });
        }).exceptionally(f -> {
            FAILURES.warn("the cluster's room list could not be read (kept the last one): {}", RedisLink.rootMessage(f));
            return null;
        });
    }

    /**
     * Repairs rooms that just became empty on every node, and removes ad-hoc rooms that have had
     * no member on any node for {@link #ORPHAN_GRACE}.
     */
    private void removeOrphans(Map<Long, RoomInfo> listed) {
        long now = System.nanoTime();
        emptySince.keySet().retainAll(listed.keySet());
        for (RoomInfo info : listed.values()) {
            long id = info.getRoomId();
            if (info.getMemberCount() > 0 || replicas.containsKey(id)) {
                emptySince.remove(id);
                continue;
            }
            Long since = emptySince.putIfAbsent(id, now);
            if (since == null) {
                repair(id); // just emptied: if its last members' node died, it may not have stored its last messages
                continue;
            }
            if (!info.getPermanent() && now - since > ORPHAN_GRACE.toNanos()) {
                emptySince.remove(id);
                redis.eval(RoomScripts.REMOVE_IF_EMPTY, ScriptOutputType.INTEGER,
                        new String[]{ClusterKeys.rooms(), ClusterKeys.roomMembers(id), ClusterKeys.roomSeq(id),
                                ClusterKeys.roomLog(id)},
                        ClusterRoomLink.ascii(Long.toUnsignedString(id)), ClusterRoomLink.ascii(ClusterKeys.roomsChannel()))
                        .exceptionally(f -> null);
            }
        }
    }

    /**
     * Stores the messages of the room's log in Redis that the database lacks: those a node numbered
     * and then died before storing, when no other node had a member to store them (every node stores
     * what it delivers). Idempotent; several nodes may do it at once.
     */
    private void repair(long roomId) {
        Replicas r = make;
        CompletableFuture.supplyAsync(() -> {
            try {
                return r.reads().maxSeq(roomId);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, r.blocking()).thenCompose(max -> log(roomId, max + 1, "+")).thenAccept(missing -> {
            if (!missing.isEmpty()) {
                r.blocking().execute(() -> {
                    try {
                        r.reads().insert(missing);
                        log.info("room:{}: stored {} messages numbered by a node that died before storing them",
                                roomId, missing.size());
                    } catch (SQLException e) {
                        FAILURES.warn("room:{} repair could not store {} messages: {}", roomId, missing.size(), e.toString());
                    }
                });
            }
        }).exceptionally(f -> {
            FAILURES.warn("room:{} repair failed: {}", roomId, RedisLink.rootMessage(f));
            return null;
        });
    }

    /** Rooms this node knows to exist that Redis does not list (it lost its data): registered again. */
    private void reassert(ConcurrentSkipListMap<Long, RoomInfo> listed) {
        for (RoomInfo info : permanent.values()) {
            if (!listed.containsKey(info.getRoomId())) {
                listed.put(info.getRoomId(), info);
                register(info, "");
            }
        }
        for (Room room : replicas.values()) {
            if (!listed.containsKey(room.id())) {
                RoomInfo info = room.info();
                listed.put(room.id(), info);
                register(info, "");
            }
        }
    }

    /**
     * Redis is back, or this node registered again (its registration first clears whatever the
     * node held in Redis): every replica reads where its room stands (messages it missed are
     * filled, the other nodes' members replaced) and announces its own members again.
     */
    public void resyncAll() {
        refresh();
        for (Room room : replicas.values()) {
            ClusterRoomLink link = links.get(room.id());
            if (link == null) {
                continue;
            }
            clusterState(room.id()).whenComplete((state, failure) -> {
                if (failure != null) {
                    return; // lost again: the next reconnect resyncs
                }
                room.submitWhenReady(() -> {
                    room.remoteMembers(state.others());
                    for (Member m : room.localMembers()) {
                        link.joined(m);
                    }
                    room.resync(state.seq());
                });
            });
        }
    }

    /**
     * This node was fenced (declared dead while paused or cut off): every replica drops its
     * members and closes before the node registers again under a new epoch, so that no request
     * read from an old session is numbered under the new lease. Waits (on the lease thread) for
     * the rooms' queues, at most {@link #FENCE_WAIT}.
     */
    public void fenced() {
        List<Room> all = new ArrayList<>(replicas.values());
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(all.size());
        for (Room room : all) {
            if (!room.submit(() -> {
                try {
                    room.evictAll();
                } finally {
                    done.countDown();
                }
            })) {
                done.countDown();
            }
        }
        try {
            if (!done.await(FENCE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("fenced: {} rooms did not drop their members within {}", done.getCount(), FENCE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        var r = refreshing;
        if (r != null) {
            r.cancel(false);
        }
    }
}
