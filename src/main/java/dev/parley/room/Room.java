package dev.parley.room;

import dev.parley.history.RoomHistory;
import dev.parley.session.ClientSession;

import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * A chat room. All of its state changes and broadcasts run on one {@link EventExecutor} (the
 * room's job queue), so members see one message order and the hot path takes no locks.
 * Methods marked "job queue only" must be called from {@link #executor()}.
 */
public final class Room {

    private final long id;
    private final String name;
    private final int maxMembers;
    private final EventExecutor executor;
    private final boolean permanent;
    private final RoomHistory history;

    // job queue only
    private final ArrayList<ClientSession> members = new ArrayList<>();
    private final Set<ClientSession> memberSet = new HashSet<>();
    private LoopGroup[] groups = new LoopGroup[0];
    private long seq;
    private boolean closed;

    /** Written on the job queue, read by room listings on any thread. */
    private volatile int memberCount;

    public Room(long id, String name, int maxMembers, EventExecutor executor) {
        this(id, name, maxMembers, executor, false, 0, RoomHistory.unlogged(0));
    }

    /**
     * @param permanent stays when empty
     * @param lastSeq   the seq the room continues after (0 for a new room)
     */
    public Room(long id, String name, int maxMembers, EventExecutor executor, boolean permanent, long lastSeq,
                RoomHistory history) {
        this.id = id;
        this.name = name;
        this.maxMembers = maxMembers;
        this.executor = executor;
        this.permanent = permanent;
        this.seq = lastSeq;
        this.history = history;
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

    public EventExecutor executor() {
        return executor;
    }

    public int memberCount() {
        return memberCount;
    }

    public boolean isPermanent() {
        return permanent;
    }

    /** The latest messages; job queue only, except its stored seq. */
    public RoomHistory history() {
        return history;
    }

    public RoomInfo info() {
        return RoomInfo.newBuilder().setRoomId(id).setName(name)
                .setMemberCount(memberCount).setMaxMembers(maxMembers).setPermanent(permanent).build();
    }

    /** Job queue only. */
    public boolean isClosed() {
        return closed;
    }

    /** Job queue only. Marks the room gone; later joins find it closed. */
    void close() {
        closed = true;
    }

    /** Job queue only. */
    boolean isFull() {
        return members.size() >= maxMembers;
    }

    /** Job queue only. */
    public boolean contains(ClientSession session) {
        return memberSet.contains(session);
    }

    /** Job queue only. */
    void add(ClientSession session) {
        if (memberSet.add(session)) {
            members.add(session);
            addToGroup(session);
            memberCount = members.size();
        }
    }

    /** Job queue only. Returns false if the session was not a member. */
    boolean remove(ClientSession session) {
        if (!memberSet.remove(session)) {
            return false;
        }
        members.remove(session);
        removeFromGroup(session);
        memberCount = members.size();
        return true;
    }

    /** Job queue only. */
    boolean isEmpty() {
        return members.isEmpty();
    }

    /** Job queue only. The next message number: 1, 2, 3, ... */
    long nextSeq() {
        return ++seq;
    }

    /** Job queue only. The seq of the last accepted message. */
    long lastSeq() {
        return seq;
    }

    /** Job queue only. The members as wire objects. */
    List<Member> memberList() {
        List<Member> list = new ArrayList<>(members.size());
        for (ClientSession s : members) {
            list.add(s.member());
        }
        return list;
    }

    /**
     * Job queue only. Sends one encoded frame to every member except {@code skip} (may be
     * null): one task per event loop that serves members, each writing retained duplicates of
     * the same bytes. Consumes {@code frame}. {@code startNanos} (0 = untimed) is when the
     * request that caused it was decoded.
     */
    void broadcast(ByteBuf frame, ClientSession skip, ServerMetrics metrics, long startNanos) {
        LoopGroup[] gs = groups;
        metrics.notifyBroadcast();
        if (gs.length == 0) {
            frame.release();
            return;
        }
        FanOut.Broadcast b = new FanOut.Broadcast(metrics, startNanos, frame.readableBytes(), gs.length);
        try {
            for (LoopGroup g : gs) {
                FanOut task = new FanOut(frame.retain(), g.members, skip, b);
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
    private void addToGroup(ClientSession s) {
        EventLoop loop = s.channel().eventLoop();
        for (LoopGroup g : groups) {
            if (g.loop == loop) {
                g.members = append(g.members, s);
                return;
            }
        }
        LoopGroup g = new LoopGroup(loop, new ClientSession[]{s});
        LoopGroup[] next = Arrays.copyOf(groups, groups.length + 1);
        next[groups.length] = g;
        groups = next;
    }

    /** Job queue only. */
    private void removeFromGroup(ClientSession s) {
        EventLoop loop = s.channel().eventLoop();
        for (int i = 0; i < groups.length; i++) {
            LoopGroup g = groups[i];
            if (g.loop == loop) {
                ClientSession[] rest = without(g.members, s);
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

    private static ClientSession[] append(ClientSession[] a, ClientSession s) {
        ClientSession[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = s;
        return b;
    }

    private static ClientSession[] without(ClientSession[] a, ClientSession s) {
        ClientSession[] b = new ClientSession[a.length - 1];
        int j = 0;
        for (ClientSession x : a) {
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
        final EventLoop loop;
        ClientSession[] members;

        LoopGroup(EventLoop loop, ClientSession[] members) {
            this.loop = loop;
            this.members = members;
        }
    }

    @Override
    public String toString() {
        return "room:" + id + "(" + name + ")";
    }
}
