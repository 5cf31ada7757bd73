package dev.parley.room;

import com.google.protobuf.CodedOutputStream;
import dev.parley.chatlog.ChatLog;
import dev.parley.history.HistoryPager;
import dev.parley.history.HistoryService;
import dev.parley.history.RoomHistory;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * A chat room: its members, its message numbering, its in-memory history tail, and the rules
 * that change them (create, join, leave, chat, history reads).
 *
 * <p>Thread: everything that reads or changes room state runs on one {@link EventExecutor},
 * the room's job queue ({@link #submit}), so every member sees one message order and the hot
 * path takes no locks. Those methods assert it. Identity ({@link #id()}, {@link #name()} ...)
 * and {@link #info()} may be read from any thread.
 */
public final class Room {

    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final long id;
    private final String name;
    private final int maxMembers;
    private final EventExecutor executor;
    private final boolean permanent;
    private final RoomSequence sequence;
    private final RoomHistory history;
    private final RoomContext context;
    /** Null when the dedup window is off. */
    private final ResendMemory resends;

    // job queue only
    /** The seq of the last message delivered to members (behind {@link #lastSeq} while --log-sync waits). */
    private long deliveredSeq;
    private final ArrayList<RoomMember> members = new ArrayList<>();
    private final Set<RoomMember> memberSet = new HashSet<>();
    private LoopGroup[] groups = new LoopGroup[0];
    private boolean closed;
    /** The player who created this ad-hoc room (0 for a permanent room), for {@link #kick}. */
    private long creatorId;

    /** Written on the job queue, read by room listings on any thread. */
    private volatile int memberCount;

    /**
     * @param permanent stays when empty
     * @param sequence  the room's numbering, continuing where the room left off
     * @param history   the room's tail, preloaded for a room that continues
     */
    public Room(long id, String name, int maxMembers, EventExecutor executor, boolean permanent,
                RoomSequence sequence, RoomHistory history, RoomContext context) {
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

    private boolean onQueue() {
        return executor.inEventLoop();
    }

    /** Job queue. The room's first member enters; called once, before the room is listed. */
    void create(RoomMember creator) {
        assert onQueue();
        creatorId = creator.member().getPlayerId();
        add(creator);
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
        Result refusal = closed ? Result.ROOM_NOT_FOUND : members.size() >= maxMembers ? Result.ROOM_FULL : null;
        if (refusal != null) {
            String why = refusal == Result.ROOM_FULL ? this + " is full (" + maxMembers + ")" : "no room " + id;
            m.loop().execute(() -> {
                m.rooms().left(this);
                m.send(RoomService.joinFailed(refusal, why));
            });
            return;
        }
        add(m);
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
        if (members.isEmpty() && !permanent) {
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
        String refusal = publish(ChatNotify.newBuilder().setSender(m.member()).setText(text).setClientMsgId(cmid),
                m.alloc(), now, decodedNanos);
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
    Published system(String label, String text, ByteBufAllocator alloc) {
        assert onQueue();
        if (closed) {
            return new Published(0, Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(id));
        }
        ChatNotify.Builder b = ChatNotify.newBuilder().setKind(ChatKind.CHAT_KIND_SYSTEM)
                .setSender(Member.newBuilder().setPlayerId(0).setName(label)).setText(text);
        String refusal = publish(b, alloc, context.clockMs().getAsLong(), 0);
        return refusal != null ? new Published(0, Result.SERVER_BUSY, refusal) : new Published(sequence.last(), Result.OK, null);
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
    Published change(ChatKind kind, long targetSeq, String text, Member by, ModeratorRule moderates,
                     ByteBufAllocator alloc) {
        assert onQueue();
        if (closed) {
            return new Published(0, Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(id));
        }
        boolean edit = kind == ChatKind.CHAT_KIND_EDIT;
        long now = context.clockMs().getAsLong();
        String what = "message " + Long.toUnsignedString(targetSeq) + " of " + this;
        ChatNotify target = history.find(targetSeq);
        if (target == null) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, targetSeq == 0 || targetSeq > sequence.last()
                    ? "no " + what : what + " is too old to change (only the room's recent messages can be)");
        }
        if (ChatEvents.isEvent(target)) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, what + " is an edit or delete, not a message");
        }
        if (ChatEvents.isDeleted(target)) {
            return new Published(0, Result.MESSAGE_NOT_FOUND, what + " is deleted");
        }
        boolean author = target.getKind() != ChatKind.CHAT_KIND_SYSTEM
                && target.getSender().getPlayerId() == by.getPlayerId();
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
        ChatNotify.Builder b = ChatNotify.newBuilder().setKind(kind).setTargetSeq(targetSeq).setSender(by)
                .setText(edit ? text : "");
        String refusal = publish(b, alloc, now, 0);
        if (refusal != null) {
            return new Published(0, Result.SERVER_BUSY, refusal);
        }
        // another's message deleted is a moderation action: the caller audits it, naming the author
        return new Published(sequence.last(), Result.OK, null, author ? null : target.getSender().getName());
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
        if (!sequence.owned()) {
            // only a cluster node that lost the room can get here: numbering now would fork the order
            return "the room is moving to another node; try again shortly";
        }
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
            return new Kicked(Result.NOT_IN_ROOM, "that player is not in " + this);
        }
        RoomMember kicked = target;
        remove(kicked);
        MemberLeftNotify notice = MemberLeftNotify.newBuilder().setRoomId(id).setMember(kicked.member()).build();
        kicked.loop().execute(() -> {
            kicked.rooms().left(this);
            kicked.send(notice);
        });
        if (members.isEmpty() && !permanent) {
            close();
        } else {
            broadcast(Frames.encode(kicked.alloc(), notice), null, 0);
        }
        return new Kicked(Result.OK, "");
    }

    /** Job queue. The members now, in join order. */
    List<Member> memberList() {
        assert onQueue();
        List<Member> out = new ArrayList<>(members.size());
        for (RoomMember rm : members) {
            out.add(rm.member());
        }
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
        context.directory().remove(this);
        context.history().closed(id);
        context.metrics().roomRemoved();
        log.debug("{} is empty and gone", this);
    }

    /** Job queue only. The seq of the last accepted message. */
    long lastSeq() {
        assert onQueue();
        return sequence.last();
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
        for (RoomMember rm : members) {
            Member m = rm.member();
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
