package dev.parley.room;

import com.google.protobuf.CodedOutputStream;
import dev.parley.chatlog.ChatLog;
import dev.parley.history.HistoryPager;
import dev.parley.history.HistoryService;
import dev.parley.history.RoomHistory;
import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.ChatEvents;
import dev.parley.protocol.Frames;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * A chat room: its members, its message numbering, its in-memory history tail, and the rules
 * that change them (create, join, leave, chat, history reads).
 *
 * <p>Thread: everything that reads or changes room state runs on one {@link EventExecutor},
 * the room's job queue ({@link #submit}), so every member sees one message order and the hot
 * path takes no locks. Those methods assert it. Identity ({@link #id()}, {@link #name()} ...)
 * and {@link #info()} may be read from any thread.
 *
 * <p>In a cluster the room is this node's replica of a room that every node shares: it has a
 * {@link RoomLink}, serves only this node's members, knows the others' members from the link's
 * events, and delivers the messages the link numbers in seq order as they arrive
 * ({@link #received}), filling from the link what it missed. A replica opens empty
 * ({@link #activate}) and runs requests queued with {@link #submitWhenReady} once it is loaded.
 */
public final class Room {

    private static final Logger log = LoggerFactory.getLogger(Room.class);
    private static final LogLimiter UNSTORED = new LogLimiter(log, java.time.Duration.ofMinutes(1));

    private final long id;
    private final String name;
    private final int maxMembers;
    private final EventExecutor executor;
    private final boolean permanent;
    private final RoomSequence sequence;
    /** Null until a cluster replica is loaded ({@link #activate}). */
    private RoomHistory history;
    private final RoomContext context;
    /** Null on a single node. */
    private final RoomLink link;
    /** Null when the dedup window is off. */
    private final ResendMemory resends;

    // job queue only
    /** The seq of the last message delivered to members (behind {@link #lastSeq} while --log-sync waits). */
    private long deliveredSeq;
    /** Cluster: the messages as they arrive, put in seq order; its seen() is the highest accepted. */
    private final ArrivalOrder arrivals;
    private final ArrayList<RoomMember> members = new ArrayList<>();
    private final Set<RoomMember> memberSet = new HashSet<>();
    private LoopGroup[] groups = new LoopGroup[0];
    private boolean closed;
    /** The player who created this ad-hoc room (0 for a permanent room), for {@link #kick}. */
    private long creatorId;
    /** Cluster: the members on other nodes, by player id, in join order. */
    private final Map<Long, Member> remote = new LinkedHashMap<>();
    /** Cluster: requests that wait for the replica to load. */
    private List<Runnable> waiting;
    /** Cluster: why the replica could not load, for the requests that waited for it. */
    private String loadFailure;

    /** Written on the job queue, read by room listings on any thread. */
    private volatile int memberCount;

    /**
     * @param permanent stays when empty
     * @param sequence  the room's numbering, continuing where the room left off
     * @param history   the room's tail, preloaded for a room that continues
     */
    public Room(long id, String name, int maxMembers, EventExecutor executor, boolean permanent,
                RoomSequence sequence, RoomHistory history, RoomContext context) {
        this(id, name, maxMembers, executor, permanent, sequence, history, context, null);
    }

    /**
     * A cluster replica, loaded later by {@link #activate} when {@code history} is null.
     *
     * @param link the room's tie to the other nodes; null = a single node
     */
    public Room(long id, String name, int maxMembers, EventExecutor executor, boolean permanent,
                RoomSequence sequence, RoomHistory history, RoomContext context, RoomLink link) {
        this.link = link;
        this.waiting = history == null ? new ArrayList<>() : null;
        this.id = id;
        this.name = name;
        this.maxMembers = maxMembers;
        this.executor = executor;
        this.permanent = permanent;
        this.sequence = sequence;
        this.history = history;
        this.context = context;
        long windowMs = context.dedupWindow().toMillis();
        this.resends = windowMs > 0 ? new ResendMemory(windowMs) : null;
        this.deliveredSeq = sequence.last();
        this.arrivals = link == null ? null : new ArrivalOrder(sequence.last());
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int maxMembers() {
        return maxMembers;
    }

    public int memberCount() {
        return memberCount;
    }

    public boolean isPermanent() {
        return permanent;
    }

    public RoomInfo info() {
        return RoomInfo.newBuilder().setRoomId(id).setName(name)
                .setMemberCount(memberCount).setMaxMembers(maxMembers).setPermanent(permanent).build();
    }

    /** Runs {@code job} on this room's queue; false when the server is shutting down. Any thread. */
    public boolean submit(Runnable job) {
        try {
            executor.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Runs {@code job} on this room's queue once the room is loaded (at once on a single node);
     * false when the server is shutting down. Any thread.
     */
    public boolean submitWhenReady(Runnable job) {
        return submit(() -> {
            if (waiting != null) {
                waiting.add(job);
            } else {
                job.run();
            }
        });
    }

    /**
     * Job queue. A cluster replica is loaded: its tail ({@code history}, up to {@code lastSeq},
     * the room's seq when this node subscribed), and the members of the other nodes. Messages
     * that arrived meanwhile are delivered, then the waiting requests run.
     */
    public void activate(RoomHistory loaded, long lastSeq, Map<Long, Member> others, List<ChatNotify> unstored) {
        assert onQueue();
        history = loaded;
        for (ChatNotify m : unstored) {
            // numbered by a node that may have died before storing them: stored here too (idempotent)
            context.chatLog().append(loaded.stored(), m, null);
        }
        deliveredSeq = lastSeq;
        arrivals.startAt(lastSeq);
        remote.clear();
        remote.putAll(others);
        memberCount = members.size() + remote.size();
        List<Runnable> queued = waiting;
        waiting = null;
        acceptInOrder(arrivals.drain());
        fillGap(arrivals.nextGap());
        for (Runnable job : queued) {
            job.run();
        }
        closeIfUnused();
    }

    /**
     * Job queue. A replica could not load (Redis or the database unreachable): the waiting
     * requests are refused with {@code reason}, and the next request makes a new replica.
     */
    public void loadFailed(String reason) {
        assert onQueue();
        closed = true;
        loadFailure = reason;
        link.closed();
        context.directory().remove(this);
        context.metrics().roomRemoved();
        List<Runnable> queued = waiting;
        waiting = null;
        for (Runnable job : queued) {
            job.run();
        }
    }

    /**
     * Job queue. The cluster numbers this room up to {@code clusterLast} (read after Redis came
     * back): what this replica missed meanwhile is filled.
     */
    public void resync(long clusterLast) {
        assert onQueue();
        if (!closed) {
            fillGap(arrivals.catchUpTo(clusterLast));
        }
    }

    /**
     * Job queue. This node lost its cluster lease (it was paused or cut off, and declared dead):
     * its members here are out of the room without a word (their sessions are being closed, and
     * the cluster removed them already), so a request still queued from one of them finds no
     * room, and the replica closes. Nothing is numbered for them under the node's next lease.
     */
    public void evictAll() {
        assert onQueue();
        for (RoomMember m : new ArrayList<>(members)) {
            remove(m);
            m.loop().execute(() -> m.rooms().left(this));
        }
        if (!closed && waiting == null) {
            close();
        }
    }

    /** Job queue. A replica nobody here uses (it answered a read or a server call) stops listening. */
    private void closeIfUnused() {
        if (link != null && members.isEmpty() && !closed && waiting == null) {
            close();
        }
    }

    private boolean onQueue() {
        return executor.inEventLoop();
    }

    /** Job queue. The room's first member enters; called once, before the room is listed. */
    void create(RoomMember creator) {
        assert onQueue();
        creatorId = creator.member().getPlayerId();
        add(creator);
        if (link != null) {
            link.joined(creator.member());
        }
        creator.send(CreateRoomResponse.newBuilder().setResult(Result.OK)
                .setRoom(info()).addMembers(creator.member()).build());
    }

    /**
     * Job queue. A member asks to enter: refused when the room is gone or full; else it gets the
     * member list and its recent messages (or, resuming, those after {@code last_seen_seq}), and
     * the others see it join.
     */
    void join(RoomMember m, JoinRoomRequest req) {
        assert onQueue();
        Result refusal = loadFailure != null ? Result.SERVER_BUSY : closed ? Result.ROOM_NOT_FOUND
                : members.size() + remote.size() >= maxMembers ? Result.ROOM_FULL : null;
        if (refusal != null) {
            String why = refusal == Result.ROOM_FULL ? this + " is full (" + maxMembers + ")"
                    : loadFailure != null ? loadFailure : "no room " + id;
            m.loop().execute(() -> {
                m.rooms().left(this);
                m.send(RoomService.joinFailed(refusal, why));
            });
            return;
        }
        add(m);
        if (link != null) {
            remote.remove(m.member().getPlayerId()); // it moved here from another node
            memberCount = members.size() + remote.size();
            link.joined(m.member());
        }
        JoinRoomResponse.Builder ok = JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(info());
        addMembersWithinFrame(ok);
        history.addRecent(ok, req);
        m.send(ok.build());
        MemberJoinedNotify notice = MemberJoinedNotify.newBuilder().setRoomId(id).setMember(m.member()).build();
        broadcast(Frames.encode(m.alloc(), notice), m, 0);
    }

    /**
     * Job queue. A member leaves (or its connection closed: no response). The last member of a
     * room that is not permanent closes it.
     */
    void leave(RoomMember m, boolean respond) {
        assert onQueue();
        if (!remove(m)) {
            if (respond) {
                m.send(LeaveRoomResponse.newBuilder().setResult(Result.NOT_IN_ROOM)
                        .setReason("not a member of " + this).build());
            }
            return;
        }
        if (respond) {
            m.send(LeaveRoomResponse.newBuilder().setResult(Result.OK).setRoomId(id).build());
        }
        if (link != null) {
            link.left(m.member());
            if (members.isEmpty()) {
                close(); // this node's replica; the room lives on while other nodes have members
                return;
            }
        } else if (members.isEmpty() && !permanent) {
            close();
            return;
        }
        MemberLeftNotify notice = MemberLeftNotify.newBuilder().setRoomId(id).setMember(m.member()).build();
        broadcast(Frames.encode(m.alloc(), notice), null, 0);
    }

    /**
     * Job queue. A member's chat message: numbered, handed to the chat log, delivered to every
     * member (with {@code --log-sync}, once stored). A resend (see {@link ResendMemory}) is
     * answered to its sender alone with the original's seq and time, and not said again.
     *
     * @param decodedNanos {@link System#nanoTime()} when the request was decoded, for the handling latency
     */
    void chat(RoomMember m, String text, long cmid, long decodedNanos) {
        assert onQueue();
        if (!memberSet.contains(m)) {
            m.send(Replies.error(Result.NOT_IN_ROOM, "not a member of " + this, MsgType.CHAT_REQUEST, cmid));
            return;
        }
        long now = context.clockMs().getAsLong();
        boolean remembered = resends != null && cmid != 0;
        long playerId = m.member().getPlayerId();
        if (remembered) {
            ResendMemory.Original original = resends.find(playerId, cmid, now);
            // the same id with another text is a new message: a client that restarted its ids is not silenced
            if (original != null && original.textHash() == text.hashCode()) {
                answerResend(m, original, text, cmid);
                return;
            }
        }
        ChatNotify.Builder b = ChatNotify.newBuilder().setSender(m.member()).setText(text).setClientMsgId(cmid);
        if (link != null) {
            // remembered when it arrives (accept), on every node: a resend to any node is recognised
            publishToCluster(b, now).whenComplete((seq, failure) -> {
                if (failure != null) {
                    m.send(Replies.error(Result.SERVER_BUSY, refusal(failure), MsgType.CHAT_REQUEST, cmid));
                }
            });
            return;
        }
        String refusal = publish(b, m.alloc(), now, decodedNanos);
        if (refusal != null) {
            m.send(Replies.error(Result.SERVER_BUSY, refusal, MsgType.CHAT_REQUEST, cmid));
            return;
        }
        if (remembered) {
            resends.remember(playerId, cmid, sequence.last(), now, text.hashCode());
        }
    }

    /**
     * Job queue. A message from the server (the server API), numbered, stored and delivered like
     * chat, with kind SYSTEM and sender {0, label}.
     *
     * @return the outcome: its seq, or why it was refused
     */
    CompletionStage<Published> system(String label, String text, ByteBufAllocator alloc) {
        assert onQueue();
        if (closed) {
            return done(new Published(0, Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(id)));
        }
        ChatNotify.Builder b = ChatNotify.newBuilder().setKind(ChatKind.CHAT_KIND_SYSTEM)
                .setSender(Member.newBuilder().setPlayerId(0).setName(label)).setText(text);
        return published(b, alloc, context.clockMs().getAsLong(), null);
    }

    /**
     * Job queue. Numbers {@code b} here or through the cluster; completes on the job queue.
     *
     * @param othersAuthor see {@link Published#othersAuthor}
     */
    private CompletionStage<Published> published(ChatNotify.Builder b, ByteBufAllocator alloc, long nowMs,
                                                 String othersAuthor) {
        if (link != null) {
            return publishToCluster(b, nowMs).handle((seq, failure) -> failure != null
                    ? new Published(0, Result.SERVER_BUSY, refusal(failure))
                    : new Published(seq, Result.OK, null, othersAuthor));
        }
        String refusal = publish(b, alloc, nowMs, 0);
        return done(refusal != null ? new Published(0, Result.SERVER_BUSY, refusal)
                : new Published(sequence.last(), Result.OK, null, othersAuthor));
    }

    private static CompletionStage<Published> done(Published p) {
        return CompletableFuture.completedFuture(p);
    }

    /**
     * Job queue. Has the cluster number and publish {@code b}; completes on the job queue with the
     * seq. The message is delivered here when it arrives ({@link #received}), like everyone else's.
     */
    private CompletionStage<Long> publishToCluster(ChatNotify.Builder b, long nowMs) {
        ChatNotify message = b.setRoomId(id).setServerTimeMs(nowMs).build();
        CompletableFuture<Long> done = new CompletableFuture<>();
        link.publish(message, arrivals.seen()).whenComplete((seq, failure) -> {
            if (!submit(() -> {
                if (failure != null) {
                    context.metrics().clusterMessages("refused", 1);
                    done.completeExceptionally(failure);
                } else {
                    context.metrics().chatMessage();
                    done.complete(seq);
                }
            })) {
                done.completeExceptionally(new RejectedExecutionException("the server is shutting down"));
            }
        });
        return done;
    }

    /**
     * What a client is told when the cluster did not number its message: a clear refusal, or,
     * when the link could not tell (a timeout: it may have been numbered all the same), how to
     * find out without a duplicate.
     */
    private static String refusal(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof RoomLink.OutcomeUnknownException) {
            return "the message was not confirmed in time (" + why + "): it may still arrive; if it does not, "
                    + "resend it with the same client_msg_id, a duplicate is recognised";
        }
        return "the message was not sent: " + why + "; try again shortly";
    }

    /**
     * Job queue. An edit ({@code kind} EDIT, {@code text} the new text) or delete (kind DELETE,
     * empty text) of message {@code targetSeq} by {@code by}: checked, then numbered, stored and
     * delivered like chat as a ChatNotify with that kind and target_seq (docs/protocol.md, Edits
     * and deletes). Only messages the room's tail still holds can be changed (the last
     * --join-history messages at least, and every one not yet stored): older ones get
     * MESSAGE_NOT_FOUND.
     *
     * @param by        who asks, shown as the event's sender ({0, label} for the server API)
     * @param moderates whether {@code by} moderates this room: it may delete anyone's message here
     *                  (never edit it)
     * @return the outcome: the event's seq, or why it was refused
     */
    CompletionStage<Published> change(ChatKind kind, long targetSeq, String text, Member by, ModeratorRule moderates,
                                      ByteBufAllocator alloc) {
        assert onQueue();
        Published refused = changeRefusal(kind, targetSeq, by, moderates);
        if (refused != null) {
            return done(refused);
        }
        ChatNotify target = history.find(targetSeq);
        boolean author = isAuthor(target, by);
        ChatNotify.Builder b = ChatNotify.newBuilder().setKind(kind).setTargetSeq(targetSeq).setSender(by)
                .setText(kind == ChatKind.CHAT_KIND_EDIT ? text : "");
        // another's message deleted is a moderation action: the caller audits it, naming the author
        return published(b, alloc, context.clockMs().getAsLong(), author ? null : target.getSender().getName());
    }

    /** Whether {@code by} wrote {@code message} (nobody writes a system message). */
    private static boolean isAuthor(ChatNotify message, Member by) {
        return message.getKind() != ChatKind.CHAT_KIND_SYSTEM && message.getSender().getPlayerId() == by.getPlayerId();
    }

    /** Job queue. Why {@code by} may not make this edit or delete now, or null. */
    private Published changeRefusal(ChatKind kind, long targetSeq, Member by, ModeratorRule moderates) {
        if (closed) {
            return new Published(0, Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(id));
        }
        boolean edit = kind == ChatKind.CHAT_KIND_EDIT;
        long now = context.clockMs().getAsLong();
        String what = "message " + Long.toUnsignedString(targetSeq) + " of " + this;
        ChatNotify target = history.find(targetSeq);
        if (target == null) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, targetSeq == 0 || targetSeq > lastSeq()
                    ? "no " + what : what + " is too old to change (only the room's recent messages can be)");
        }
        if (ChatEvents.isEvent(target)) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, what + " is an edit or delete, not a message");
        }
        if (ChatEvents.isDeleted(target)) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, what + " is deleted");
        }
        boolean author = isAuthor(target, by);
        if (edit && !author) {
            return new Published(0, Result.NOT_ALLOWED, "only its author may edit " + what);
        }
        if (!edit && !author && !moderates.allows(permanent, creatorId != 0 && creatorId == by.getPlayerId())) {
            return new Published(0, Result.NOT_ALLOWED, "only its author or a moderator may delete " + what);
        }
        if (edit && now - target.getServerTimeMs() > context.editWindow().toMillis()) {
            return new Published(0, Result.EDIT_WINDOW_PASSED, what + " is older than the edit window ("
                    + context.editWindow() + ")");
        }
        return null;
    }

    /**
     * What became of a message the server posted: its seq when {@code result} is OK, else the reason.
     *
     * @param othersAuthor for a delete of another player's message (a moderation action): that
     *                     message's author; null otherwise
     */
    public record Published(long seq, Result result, String reason, String othersAuthor) {
        Published(long seq, Result result, String reason) {
            this(seq, result, reason, null);
        }
    }

    /**
     * Job queue. Numbers {@code b} as this room's next message, hands it to the chat log and
     * delivers it (with {@code --log-sync}, once stored): the one path of every numbered message.
     *
     * @return null when accepted, else why it was refused (SERVER_BUSY); no seq is used then
     */
    private String publish(ChatNotify.Builder b, ByteBufAllocator alloc, long nowMs, long decodedNanos) {
        ChatNotify notify = b.setRoomId(id).setSeq(sequence.last() + 1).setServerTimeMs(nowMs).build();
        // The chat log takes the message before its seq is used: refused, it leaves no hole.
        ChatLog chatLog = context.chatLog();
        Runnable onStored = chatLog.sync() ? () -> submit(() -> deliver(notify, alloc, decodedNanos)) : null;
        if (!chatLog.append(history.stored(), notify, onStored)) {
            return "the chat log is full; try again shortly";
        }
        sequence.advance();
        context.metrics().chatMessage();
        if (onStored == null) {
            deliver(notify, alloc, decodedNanos);
        }
        return null;
    }

    /**
     * Whether the actor moderates this room (kicks, deletes others' messages), given the room's
     * facts: the decision is moderation.Permissions', the facts are the room's.
     */
    @FunctionalInterface
    public interface ModeratorRule {
        /** Nobody moderates: only a message's author may delete it. */
        ModeratorRule NOBODY = (permanent, byCreator) -> false;
        /** The server itself (the API). */
        ModeratorRule SERVER = (permanent, byCreator) -> true;

        boolean allows(boolean permanent, boolean byCreator);
    }

    /** What became of a kick: OK, or why not. */
    public record Kicked(Result result, String reason) {
    }

    /**
     * Job queue. Removes player {@code targetId} if {@code rule} lets {@code byId} do it here:
     * every member, the kicked one too, sees {@code MemberLeftNotify}; the kicked player may
     * join again. The last member gone closes an ad-hoc room, as a leave does.
     */
    Kicked kick(long targetId, long byId, ModeratorRule rule) {
        assert onQueue();
        if (closed) {
            return new Kicked(Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(id));
        }
        if (!rule.allows(permanent, creatorId != 0 && creatorId == byId)) {
            return new Kicked(Result.NOT_ALLOWED, "you may not kick players from " + this);
        }
        RoomMember target = null;
        for (RoomMember m : members) {
            if (m.member().getPlayerId() == targetId) {
                target = m;
                break;
            }
        }
        if (target == null) {
            if (link != null && remote.containsKey(targetId)) {
                link.kick(targetId); // its node removes it, and every node hears it left
                return new Kicked(Result.OK, "");
            }
            return new Kicked(Result.NOT_IN_ROOM, "that player is not in " + this);
        }
        kickHere(target);
        return new Kicked(Result.OK, "");
    }

    /**
     * Job queue. A kick from another node, allowed there, of a member of this node; nothing
     * when it is not here (any more).
     */
    public void remoteKicked(long targetId) {
        assert onQueue();
        for (RoomMember m : members) {
            if (m.member().getPlayerId() == targetId) {
                kickHere(m);
                return;
            }
        }
    }

    /** Job queue. Removes {@code kicked}, a member of this node, telling it and the others. */
    private void kickHere(RoomMember kicked) {
        remove(kicked);
        if (link != null) {
            link.left(kicked.member());
        }
        MemberLeftNotify notice = MemberLeftNotify.newBuilder().setRoomId(id).setMember(kicked.member()).build();
        kicked.loop().execute(() -> {
            kicked.rooms().left(this);
            kicked.send(notice);
        });
        if (members.isEmpty() && (!permanent || link != null)) {
            close();
        } else {
            broadcast(Frames.encode(kicked.alloc(), notice), null, 0);
        }
    }

    /** Job queue. The members now: this node's in join order, then (in a cluster) the other nodes'. */
    List<Member> memberList() {
        assert onQueue();
        List<Member> out = new ArrayList<>(members.size() + remote.size());
        for (RoomMember rm : members) {
            out.add(rm.member());
        }
        out.addAll(remote.values());
        return out;
    }

    /**
     * Job queue. The server removes this room (a permanent room, through the server API): every
     * member gets ErrorNotify ROOM_NOT_FOUND with {@code reason} and is out of the room; later
     * joins, chat and history reads find no room. Messages already accepted are stored all the same.
     *
     * @return false when the room was gone already
     */
    boolean remove(String reason) {
        assert onQueue();
        if (closed) {
            return false;
        }
        if (link != null) {
            link.removed(reason);
        }
        return removeHere(reason);
    }

    /** Job queue. Another node removed the room (server API): this node's members are told. */
    public void remoteRemoved(String reason) {
        assert onQueue();
        if (!closed) {
            removeHere(reason);
        }
    }

    private boolean removeHere(String reason) {
        ErrorNotify notice = ErrorNotify.newBuilder().setResult(Result.ROOM_NOT_FOUND).setReason(reason).build();
        for (RoomMember m : new ArrayList<>(members)) {
            remove(m);
            m.loop().execute(() -> {
                m.rooms().left(this);
                m.send(notice);
            });
        }
        close();
        return true;
    }

    /** Job queue. The sender alone gets the original again; nothing is stored or broadcast. */
    private void answerResend(RoomMember m, ResendMemory.Original original, String text, long cmid) {
        context.metrics().chatResend();
        if (original.seq() > deliveredSeq) {
            return; // --log-sync: the original is still being stored; its broadcast reaches this member too
        }
        m.send(ChatNotify.newBuilder().setRoomId(id).setSeq(original.seq()).setSender(m.member()).setText(text)
                .setClientMsgId(cmid).setServerTimeMs(original.serverTimeMs()).build());
    }

    /** Job queue. A history read: members (or anyone, for a permanent room) get a page. */
    void readHistory(RoomMember m, HistoryPager.Query q) {
        assert onQueue();
        if (closed) {
            m.send(HistoryService.failure(Result.ROOM_NOT_FOUND, id, "no room " + id));
        } else if (!permanent && !memberSet.contains(m)) {
            m.send(HistoryService.failure(Result.NOT_IN_ROOM, id, "not a member of " + this));
        } else {
            context.history().answer(id, q, history, m::send);
        }
    }

    /** Job queue: the message is accepted, or with --log-sync stored. */
    private void deliver(ChatNotify notify, ByteBufAllocator alloc, long decodedNanos) {
        assert onQueue();
        history.delivered(notify);
        deliveredSeq = notify.getSeq();
        broadcast(Frames.encode(alloc, notify), null, decodedNanos, notify.getSender().getPlayerId());
    }

    /** Job queue. The room is gone: later joins find it closed; queued messages are stored all the same. */
    private void close() {
        closed = true;
        if (link != null) {
            link.closed();
            arrivals.clear();
        }
        context.directory().remove(this);
        context.history().closed(id);
        context.metrics().roomRemoved();
        log.debug("{} is empty and gone", this);
    }

    /** Job queue only. The seq of the last accepted message. */
    public long lastSeq() {
        assert onQueue();
        return link != null ? arrivals.seen() : sequence.last();
    }

    /**
     * Job queue. A message the cluster numbered for this room (another node's, or this node's
     * own coming back): delivered in seq order, once. One that arrives ahead of a missing seq
     * waits while the link fills the gap; seqs no node can fill (skipped after a Redis restart)
     * are passed over.
     */
    public void received(ChatNotify message) {
        assert onQueue();
        if (closed) {
            return;
        }
        context.metrics().clusterMessages("received", 1);
        if (history == null) {
            arrivals.hold(message); // loading: delivered once the replica is loaded
            return;
        }
        acceptInOrder(arrivals.arrived(message));
        fillGap(arrivals.nextGap());
    }

    private void acceptInOrder(List<ChatNotify> inOrder) {
        for (ChatNotify m : inOrder) {
            accept(m);
        }
    }

    /** Job queue. Asks the link for the messages of {@code gap} (null = none missing), then accepts them in order. */
    private void fillGap(ArrivalOrder.Gap gap) {
        if (gap == null || closed) {
            return;
        }
        link.fill(gap.after(), gap.before()).whenComplete((found, failure) -> submit(() -> {
            if (closed) {
                return;
            }
            if (failure != null) {
                // the cluster is unreachable: try again shortly (a reconnect also resyncs)
                log.debug("{} could not fill seqs {}..{}: {}", this, gap.after() + 1, gap.before() - 1, failure.toString());
                arrivals.fillFailed();
                executor.schedule(() -> fillGap(arrivals.nextGap()), 500, java.util.concurrent.TimeUnit.MILLISECONDS);
                return;
            }
            ArrivalOrder.Filled filled = arrivals.filled(gap, found);
            context.metrics().clusterMessages("filled", found.size());
            if (filled.skipped() > 0) {
                context.metrics().clusterMessages("skipped", filled.skipped());
                log.info("{} passes over {} seqs below {}: no node has them (numbering skipped them after a Redis restart)",
                        this, filled.skipped(), gap.before());
            }
            acceptInOrder(filled.accept());
            fillGap(arrivals.nextGap());
        }));
    }

    /** Job queue. Accepts the cluster's next message: stored by this node's chat log too (idempotent), then delivered. */
    private void accept(ChatNotify message) {
        if (resends != null && message.getClientMsgId() != 0 && message.getKind() == ChatKind.CHAT_KIND_MESSAGE) {
            resends.remember(message.getSender().getPlayerId(), message.getClientMsgId(), message.getSeq(),
                    context.clockMs().getAsLong(), message.getText().hashCode());
        }
        ChatLog chatLog = context.chatLog();
        Runnable onStored = chatLog.sync() ? () -> submit(() -> deliver(message, ByteBufAllocator.DEFAULT, 0)) : null;
        if (!chatLog.append(history.stored(), message, onStored)) {
            // numbered and published already: deliver it all the same; the other nodes store it
            UNSTORED.warn("{} could not queue seq {} for storage (chat log full); delivered all the same, the other "
                    + "nodes store it", this, message.getSeq());
            onStored = null;
        }
        if (onStored == null) {
            deliver(message, ByteBufAllocator.DEFAULT, 0);
        }
    }

    /** Job queue. A member of another node entered: this node's members see it join. */
    public void remoteJoined(Member member) {
        assert onQueue();
        if (closed) {
            return;
        }
        long playerId = member.getPlayerId();
        for (RoomMember m : members) {
            if (m.member().getPlayerId() == playerId) {
                return; // the same player is here (it moved between nodes): this node's view wins
            }
        }
        boolean isNew = remote.put(playerId, member) == null;
        memberCount = members.size() + remote.size();
        if (isNew && history != null) {
            MemberJoinedNotify notice = MemberJoinedNotify.newBuilder().setRoomId(id).setMember(member).build();
            broadcast(Frames.encode(ByteBufAllocator.DEFAULT, notice), null, 0);
        }
    }

    /** Job queue. A member of another node left (or its node died): this node's members see it leave. */
    public void remoteLeft(long playerId) {
        assert onQueue();
        Member gone = remote.remove(playerId);
        if (gone == null || closed) {
            return;
        }
        memberCount = members.size() + remote.size();
        if (history != null) {
            MemberLeftNotify notice = MemberLeftNotify.newBuilder().setRoomId(id).setMember(gone).build();
            broadcast(Frames.encode(ByteBufAllocator.DEFAULT, notice), null, 0);
        }
    }

    /** Job queue. The other nodes' members as the cluster lists them now (after a reconnect). */
    public void remoteMembers(Map<Long, Member> others) {
        assert onQueue();
        for (Long gone : new ArrayList<>(remote.keySet())) {
            if (!others.containsKey(gone)) {
                remoteLeft(gone);
            }
        }
        for (Member m : others.values()) {
            remoteJoined(m);
        }
    }

    /** Job queue. This node's members, as the cluster must list them (re-announced after Redis lost them). */
    public List<Member> localMembers() {
        assert onQueue();
        List<Member> out = new ArrayList<>(members.size());
        for (RoomMember m : members) {
            out.add(m.member());
        }
        return out;
    }

    private void add(RoomMember m) {
        if (memberSet.add(m)) {
            members.add(m);
            addToGroup(m);
            memberCount = members.size();
        }
    }

    private boolean remove(RoomMember m) {
        if (!memberSet.remove(m)) {
            return false;
        }
        members.remove(m);
        removeFromGroup(m);
        memberCount = members.size();
        return true;
    }

    /** A room of 1000 members with long non-ASCII names could outgrow one frame: list what fits. */
    private void addMembersWithinFrame(JoinRoomResponse.Builder b) {
        int budget = Frames.MAX_BODY_BYTES - b.build().getSerializedSize();
        for (Member m : memberList()) {
            budget -= CodedOutputStream.computeMessageSize(JoinRoomResponse.MEMBERS_FIELD_NUMBER, m);
            if (budget < 0) {
                return;
            }
            b.addMembers(m);
        }
    }

    /**
     * Job queue only. Sends one encoded frame to every member except {@code skip} (may be
     * null): one task per event loop that serves members, each writing retained duplicates of
     * the same bytes. Consumes {@code frame}. {@code startNanos} (0 = untimed) is when the
     * request that caused it was decoded.
     */
    void broadcast(ByteBuf frame, RoomMember skip, long startNanos) {
        broadcast(frame, skip, startNanos, 0);
    }

    /** {@link #broadcast(ByteBuf, RoomMember, long)} of a chat: members who block {@code senderId} are skipped. */
    void broadcast(ByteBuf frame, RoomMember skip, long startNanos, long senderId) {
        assert onQueue();
        ServerMetrics metrics = context.metrics();
        LoopGroup[] gs = groups;
        metrics.notifyBroadcast();
        if (gs.length == 0) {
            frame.release();
            return;
        }
        FanOut.Broadcast b = new FanOut.Broadcast(metrics, startNanos, frame.readableBytes(), gs.length);
        try {
            for (LoopGroup g : gs) {
                FanOut task = new FanOut(frame.retain(), g.members, skip, senderId, b);
                if (g.loop.inEventLoop()) {
                    task.run();
                } else {
                    try {
                        g.loop.execute(task);
                    } catch (RejectedExecutionException e) {
                        task.discard(); // that loop has shut down, and its members with it
                    }
                }
            }
        } finally {
            frame.release();
        }
    }

    /** Job queue only. Keeps members grouped by the event loop that serves them. */
    private void addToGroup(RoomMember s) {
        EventExecutor loop = s.loop();
        for (LoopGroup g : groups) {
            if (g.loop == loop) {
                g.members = append(g.members, s);
                return;
            }
        }
        LoopGroup g = new LoopGroup(loop, new RoomMember[]{s});
        LoopGroup[] next = Arrays.copyOf(groups, groups.length + 1);
        next[groups.length] = g;
        groups = next;
    }

    /** Job queue only. */
    private void removeFromGroup(RoomMember s) {
        EventExecutor loop = s.loop();
        for (int i = 0; i < groups.length; i++) {
            LoopGroup g = groups[i];
            if (g.loop == loop) {
                RoomMember[] rest = without(g.members, s);
                if (rest.length > 0) {
                    g.members = rest;
                } else {
                    LoopGroup[] next = new LoopGroup[groups.length - 1];
                    System.arraycopy(groups, 0, next, 0, i);
                    System.arraycopy(groups, i + 1, next, i, groups.length - i - 1);
                    groups = next;
                }
                return;
            }
        }
    }

    private static RoomMember[] append(RoomMember[] a, RoomMember s) {
        RoomMember[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = s;
        return b;
    }

    private static RoomMember[] without(RoomMember[] a, RoomMember s) {
        RoomMember[] b = new RoomMember[a.length - 1];
        int j = 0;
        for (RoomMember x : a) {
            if (x != s) {
                b[j++] = x;
            }
        }
        return b;
    }

    /**
     * The members one event loop serves. The array is replaced, never changed, on join and
     * leave, so a FanOut task running on another loop keeps a consistent snapshot.
     */
    private static final class LoopGroup {
        final EventExecutor loop;
        RoomMember[] members;

        LoopGroup(EventExecutor loop, RoomMember[] members) {
            this.loop = loop;
            this.members = members;
        }
    }

    @Override
    public String toString() {
        return "room:" + Long.toUnsignedString(id) + "(" + name + ")";
    }
}
