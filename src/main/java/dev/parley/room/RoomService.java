package dev.parley.room;

import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.content.Names;
import dev.parley.history.HistoryService;
import dev.parley.history.MessageReader;
import dev.parley.protocol.Replies;
import dev.parley.session.ClientSession;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBufUtil;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.chatlog.ChatLog;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Room rules: create, list, join, leave, chat and disconnect.
 *
 * <p>Entry points run on the caller's event loop, check what the session alone can tell
 * (logged in, in a room, valid fields) and hand the rest to the room's job queue. A session's
 * {@code room} is set when a create or join is dispatched, so a second one is refused at once
 * with {@code ALREADY_IN_ROOM}, and later requests of the same session follow it into the same
 * queue in order. Responses that depend on room state are sent from the job queue, so a client
 * sees {@code JoinRoomResponse} before any notice of that room, and nothing of a room after its
 * {@code LeaveRoomResponse}.
 */
public final class RoomService {

    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    /** Room limits the service enforces. */
    public record Limits(int defaultMaxMembers, int maxChatBytes, int maxRooms) {
    }

    private final LocalRoomDirectory registry;
    private final EventExecutorGroup roomExecutors;
    private final Limits limits;
    private final ServerMetrics metrics;
    private final HistoryService history;

    /** Without a chat log: rooms keep their last 20 messages in memory only. */
    public RoomService(LocalRoomDirectory registry, EventExecutorGroup roomExecutors, Limits limits, ServerMetrics metrics) {
        this(registry, roomExecutors, limits, metrics, new HistoryService(registry, ChatLog.off(), MessageReader.NONE, Runnable::run, 20, 200));
    }

    public RoomService(LocalRoomDirectory registry, EventExecutorGroup roomExecutors, Limits limits, ServerMetrics metrics,
                       HistoryService history) {
        this.registry = registry;
        this.roomExecutors = roomExecutors;
        this.limits = limits;
        this.metrics = metrics;
        this.history = history;
    }

    public LocalRoomDirectory registry() {
        return registry;
    }

    public void list(ClientSession s) {
        RoomListResponse.Builder b = RoomListResponse.newBuilder();
        int budget = Frames.MAX_BODY_BYTES;
        for (Room room : registry.all()) {
            RoomInfo info = room.info();
            budget -= CodedOutputStream.computeMessageSize(RoomListResponse.ROOMS_FIELD_NUMBER, info);
            if (budget < 0) {
                break; // a frame holds at most 64 KiB; the lowest ids are listed first
            }
            b.addRooms(info);
        }
        s.send(b.build());
    }

    public void create(ClientSession s, CreateRoomRequest req) {
        if (s.room() != null) {
            s.send(createFailed(Result.ALREADY_IN_ROOM, "already in " + s.room() + "; leave it first"));
            return;
        }
        String reason = Names.checkRoomName(req.getName());
        int max = req.getMaxMembers() == 0 ? limits.defaultMaxMembers() : req.getMaxMembers();
        if (reason == null && max > limits.defaultMaxMembers()) {
            reason = "max_members must be at most " + limits.defaultMaxMembers() + " (0 = that default)";
        }
        if (reason != null) {
            s.send(createFailed(Result.INVALID_REQUEST, reason));
            return;
        }
        if (registry.size() >= limits.maxRooms()) {
            s.send(createFailed(Result.SERVER_BUSY, "the server holds its maximum of " + limits.maxRooms() + " rooms"));
            return;
        }
        long id = registry.nextId();
        if (id == 0) {
            s.send(createFailed(Result.SERVER_BUSY, "no room id is available: the database is unreachable"));
            return;
        }
        Room room = new Room(id, req.getName(), max, roomExecutors.next(), false, 0, history.open(id));
        // The creator enters before the room is published, so it is always the first member.
        room.add(s);
        s.room(room);
        CreateRoomResponse response = CreateRoomResponse.newBuilder().setResult(Result.OK)
                .setRoom(room.info()).addMembers(s.member()).build();
        // Queued before publishing: the creator's response precedes every notice of the room.
        if (!onQueue(room, () -> s.send(response))) {
            s.room(null);
            history.closed(room);
            s.send(createFailed(Result.SERVER_BUSY, "the server is shutting down"));
            return;
        }
        registry.add(room);
        metrics.roomCreated();
        log.debug("[{}] created {} (max {})", s, room, max);
    }

    public void join(ClientSession s, JoinRoomRequest req) {
        if (s.room() != null) {
            s.send(joinFailed(Result.ALREADY_IN_ROOM, "already in " + s.room() + "; leave it first"));
            return;
        }
        Room room = registry.get(req.getRoomId());
        if (room == null) {
            s.send(joinFailed(Result.ROOM_NOT_FOUND, "no room " + req.getRoomId()));
            return;
        }
        s.room(room);
        boolean queued = onQueue(room, () -> {
            Result refusal = room.isClosed() ? Result.ROOM_NOT_FOUND : room.isFull() ? Result.ROOM_FULL : null;
            if (refusal != null) {
                String why = refusal == Result.ROOM_FULL ? room + " is full (" + room.maxMembers() + ")" : "no room " + room.id();
                s.channel().eventLoop().execute(() -> {
                    if (s.room() == room) {
                        s.room(null);
                    }
                    s.send(joinFailed(refusal, why));
                });
                return;
            }
            room.add(s);
            JoinRoomResponse.Builder ok = JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(room.info());
            addMembersWithinFrame(ok, room.memberList());
            room.history().addRecent(ok, req);
            s.send(ok.build());
            MemberJoinedNotify notice = MemberJoinedNotify.newBuilder().setRoomId(room.id()).setMember(s.member()).build();
            room.broadcast(Frames.encode(s.channel().alloc(), notice), s, metrics, 0);
        });
        if (!queued) {
            s.room(null);
            s.send(joinFailed(Result.SERVER_BUSY, "the server is shutting down"));
        }
    }

    public void leave(ClientSession s) {
        Room room = s.room();
        if (room == null) {
            s.send(LeaveRoomResponse.newBuilder().setResult(Result.NOT_IN_ROOM).setReason("not in a room").build());
            return;
        }
        s.room(null);
        onQueue(room, () -> removeMember(room, s, true));
    }

    /** The connection closed: leave the room without a response. Event loop of {@code s}. */
    public void disconnected(ClientSession s) {
        Room room = s.room();
        if (room != null) {
            s.room(null);
            onQueue(room, () -> removeMember(room, s, false));
        }
    }

    /** @param decodedNanos {@link System#nanoTime()} when the request was decoded, for the handling latency */
    public void chat(ClientSession s, ChatRequest req, long decodedNanos) {
        long cmid = req.getClientMsgId();
        Room room = s.room();
        if (room == null) {
            s.send(Replies.error(Result.NOT_IN_ROOM, "not in a room", MsgType.CHAT_REQUEST, cmid));
            return;
        }
        String text = req.getText();
        if (text.isEmpty()) {
            s.send(Replies.error(Result.INVALID_REQUEST, "text is empty", MsgType.CHAT_REQUEST, cmid));
            return;
        }
        int bytes = ByteBufUtil.utf8Bytes(text);
        if (bytes > limits.maxChatBytes()) {
            s.send(Replies.error(Result.INVALID_REQUEST, "text is " + bytes + " bytes; the limit is "
                    + limits.maxChatBytes(), MsgType.CHAT_REQUEST, cmid));
            return;
        }
        if (!onQueue(room, () -> publishChat(room, s, text, cmid, decodedNanos))) {
            s.send(Replies.error(Result.SERVER_BUSY, "the server is shutting down", MsgType.CHAT_REQUEST, cmid));
        }
    }

    /** A page of a room's stored messages. Event loop of {@code s}. */
    public void history(ClientSession s, HistoryRequest req) {
        history.request(s, req);
    }

    /** Job queue of {@code room}. */
    private void publishChat(Room room, ClientSession s, String text, long cmid, long decodedNanos) {
        if (!room.contains(s)) {
            s.send(Replies.error(Result.NOT_IN_ROOM, "not a member of " + room, MsgType.CHAT_REQUEST, cmid));
            return;
        }
        ChatNotify notify = ChatNotify.newBuilder().setRoomId(room.id()).setSeq(room.lastSeq() + 1)
                .setSender(s.member()).setText(text).setClientMsgId(cmid)
                .setServerTimeMs(System.currentTimeMillis()).build();
        // The chat log takes the message before its seq is used: refused, it leaves no hole.
        ChatLog chatLog = history.chatLog();
        ByteBufAllocator alloc = s.channel().alloc();
        Runnable onStored = chatLog.sync() ? () -> onQueue(room, () -> deliverChat(room, notify, alloc, decodedNanos)) : null;
        if (!chatLog.append(room.history().stored(), notify, onStored)) {
            s.send(Replies.error(Result.SERVER_BUSY, "the chat log is full; try again shortly", MsgType.CHAT_REQUEST, cmid));
            return;
        }
        room.nextSeq();
        metrics.chatMessage();
        if (onStored == null) {
            deliverChat(room, notify, alloc, decodedNanos);
        }
    }

    /** Job queue of {@code room}: the message is accepted, or with --log-sync stored. */
    private void deliverChat(Room room, ChatNotify notify, ByteBufAllocator alloc, long decodedNanos) {
        room.history().delivered(notify);
        room.broadcast(Frames.encode(alloc, notify), null, metrics, decodedNanos);
    }

    /** Job queue of {@code room}. */
    private void removeMember(Room room, ClientSession s, boolean respond) {
        if (!room.remove(s)) {
            if (respond) {
                s.send(LeaveRoomResponse.newBuilder().setResult(Result.NOT_IN_ROOM)
                        .setReason("not a member of " + room).build());
            }
            return;
        }
        if (respond) {
            s.send(LeaveRoomResponse.newBuilder().setResult(Result.OK).build());
        }
        if (room.isEmpty() && !room.isPermanent()) {
            room.close();
            registry.remove(room);
            history.closed(room);
            metrics.roomRemoved();
            log.debug("{} is empty and gone", room);
            return;
        }
        MemberLeftNotify notice = MemberLeftNotify.newBuilder().setRoomId(room.id()).setMember(s.member()).build();
        room.broadcast(Frames.encode(s.channel().alloc(), notice), null, metrics, 0);
    }

    private static boolean onQueue(Room room, Runnable job) {
        try {
            room.executor().execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the executors are shutting down
        }
    }

    /** A room of 1000 members with long non-ASCII names could outgrow one frame: list what fits. */
    private static void addMembersWithinFrame(JoinRoomResponse.Builder b, List<Member> members) {
        int budget = Frames.MAX_BODY_BYTES - b.build().getSerializedSize();
        for (Member m : members) {
            budget -= CodedOutputStream.computeMessageSize(JoinRoomResponse.MEMBERS_FIELD_NUMBER, m);
            if (budget < 0) {
                return;
            }
            b.addMembers(m);
        }
    }

    private static CreateRoomResponse createFailed(Result result, String reason) {
        return CreateRoomResponse.newBuilder().setResult(result).setReason(reason).build();
    }

    private static JoinRoomResponse joinFailed(Result result, String reason) {
        return JoinRoomResponse.newBuilder().setResult(result).setReason(reason).build();
    }
}
