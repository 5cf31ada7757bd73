package dev.parley.room;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.parley.content.BlockedWords;
import dev.parley.content.ChatText;
import dev.parley.content.Names;
import dev.parley.history.HistoryPager;
import dev.parley.history.HistoryService;
import dev.parley.history.RoomHistory;
import dev.parley.protocol.Frames;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListResponse;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The room requests of one server: list, create, join, leave, chat, history, and a closed
 * connection leaving its rooms. A player may be in up to {@code maxRoomsPerPlayer} rooms at
 * once ({@link Membership}); chat and leave name the room, 0 meaning the player's only room.
 *
 * <p>Thread: every entry point runs on the requesting member's event loop. It checks what the
 * member alone can tell (logged in, which rooms, valid fields), finds the room in the
 * {@link RoomDirectory} and hands the rest to the room's job queue ({@link Room}). Responses
 * that depend on room state are sent from the job queue, so a client sees
 * {@code JoinRoomResponse} before any notice of that room, and nothing of a room after its
 * {@code LeaveRoomResponse}.
 */
public final class RoomService {

    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    /**
     * Room limits the service enforces.
     *
     * @param maxRoomsPerPlayer rooms one connection may be in at once; more get TOO_MANY_ROOMS
     */
    public record Limits(int defaultMaxMembers, int maxChatBytes, int maxRooms, int maxRoomsPerPlayer) {
    }

    private final RoomContext context;
    private final EventExecutorGroup roomExecutors;
    private final Limits limits;
    private final BlockedWords blockedWords;

    /** @param roomExecutors where new rooms run their job queues (the I/O event loops) */
    public RoomService(RoomContext context, EventExecutorGroup roomExecutors, Limits limits) {
        this(context, roomExecutors, limits, BlockedWords.OFF);
    }

    /** @param blockedWords what chat text with a blocked word becomes (--blocked-words-file) */
    public RoomService(RoomContext context, EventExecutorGroup roomExecutors, Limits limits, BlockedWords blockedWords) {
        this.context = context;
        this.roomExecutors = roomExecutors;
        this.limits = limits;
        this.blockedWords = blockedWords;
    }

    public RoomDirectory directory() {
        return context.directory();
    }

    public void list(RoomMember m) {
        RoomListResponse.Builder b = RoomListResponse.newBuilder();
        int budget = Frames.MAX_BODY_BYTES;
        for (RoomInfo info : context.directory().listing()) {
            budget -= CodedOutputStream.computeMessageSize(RoomListResponse.ROOMS_FIELD_NUMBER, info);
            if (budget < 0) {
                break; // a frame holds at most 64 KiB; the lowest ids are listed first
            }
            b.addRooms(info);
        }
        m.send(b.build());
    }

    public void create(RoomMember m, CreateRoomRequest req) {
        if (m.rooms().size() >= limits.maxRoomsPerPlayer()) {
            m.send(createFailed(Result.TOO_MANY_ROOMS, tooManyRooms()));
            return;
        }
        String name = Names.normalise(req.getName());
        String reason = Names.checkRoomName(name);
        // uint32 on the wire: above 2^31 it arrives as a negative int
        long requested = Integer.toUnsignedLong(req.getMaxMembers());
        int max = requested == 0 ? limits.defaultMaxMembers() : req.getMaxMembers();
        if (reason == null && requested > limits.defaultMaxMembers()) {
            reason = "max_members " + requested + " must be at most " + limits.defaultMaxMembers()
                    + " (0 = that default)";
        }
        if (reason != null) {
            m.send(createFailed(Result.INVALID_REQUEST, reason));
            return;
        }
        RoomDirectory directory = context.directory();
        if (directory.size() >= limits.maxRooms()) {
            m.send(createFailed(Result.SERVER_BUSY, "the server holds its maximum of " + limits.maxRooms() + " rooms"));
            return;
        }
        long id = directory.newRoomId();
        if (id == 0) {
            m.send(createFailed(Result.SERVER_BUSY, "no room id is available: the database is unreachable"));
            return;
        }
        RoomLink link = directory.newLink(id);
        // a cluster replica is loaded once it listens to the other nodes (RoomDirectory.add)
        RoomHistory history = link == null ? context.history().open(id) : null;
        Room room = new Room(id, name, max, roomExecutors.next(), false, RoomSequence.startingAfter(0),
                history, context, link);
        m.rooms().enter(room);
        // Queued before the room is listed: the creator is its first member, and its response
        // precedes every notice of the room.
        if (!room.submitWhenReady(() -> room.create(m))) {
            m.rooms().left(room);
            context.history().closed(id);
            m.send(createFailed(Result.SERVER_BUSY, "the server is shutting down"));
            return;
        }
        directory.add(room);
        context.metrics().roomCreated();
        log.debug("[{}] created {} (max {})", m, room, max);
    }

    public void join(RoomMember m, JoinRoomRequest req) {
        Room current = m.rooms().find(req.getRoomId());
        if (current != null) {
            m.send(joinFailed(Result.ALREADY_IN_ROOM, "already in " + current));
            return;
        }
        if (m.rooms().size() >= limits.maxRoomsPerPlayer()) {
            m.send(joinFailed(Result.TOO_MANY_ROOMS, tooManyRooms()));
            return;
        }
        Room room = context.directory().find(req.getRoomId());
        if (room == null) {
            m.send(joinFailed(Result.ROOM_NOT_FOUND, "no room " + Long.toUnsignedString(req.getRoomId())));
            return;
        }
        m.rooms().enter(room);
        if (!room.submitWhenReady(() -> room.join(m, req))) {
            m.rooms().left(room);
            m.send(joinFailed(Result.SERVER_BUSY, "the server is shutting down"));
        }
    }

    public void leave(RoomMember m, LeaveRoomRequest req) {
        Room room = resolve(m, req.getRoomId());
        if (room == null) {
            String why = named(m, req.getRoomId());
            m.send(LeaveRoomResponse.newBuilder().setResult(why == null ? Result.NOT_IN_ROOM : Result.INVALID_REQUEST)
                    .setReason(why == null ? notIn(req.getRoomId()) : why).build());
            return;
        }
        m.rooms().left(room);
        room.submit(() -> room.leave(m, true));
    }

    /** The connection closed: leave every room without a response. */
    public void disconnected(RoomMember m) {
        for (Room room : m.rooms().leaveAll()) {
            room.submit(() -> room.leave(m, false));
        }
    }

    /** @param decodedNanos {@link System#nanoTime()} when the request was decoded, for the handling latency */
    public void chat(RoomMember m, ChatRequest req, long decodedNanos) {
        long cmid = req.getClientMsgId();
        Room room = resolve(m, req.getRoomId());
        if (room == null) {
            String why = named(m, req.getRoomId());
            m.send(Replies.error(why == null ? Result.NOT_IN_ROOM : Result.INVALID_REQUEST,
                    why == null ? notIn(req.getRoomId()) : why, MsgType.CHAT_REQUEST, cmid));
            return;
        }
        String broken = invalidText(req.getText());
        if (broken != null) {
            m.send(Replies.error(Result.INVALID_REQUEST, broken, MsgType.CHAT_REQUEST, cmid));
            return;
        }
        BlockedWords.Outcome filtered = blockedWords.apply(req.getText());
        if (filtered.refused()) {
            m.send(Replies.error(Result.INVALID_REQUEST, filtered.refusal(), MsgType.CHAT_REQUEST, cmid));
            return;
        }
        String text = filtered.text();
        if (!room.submit(() -> room.chat(m, text, cmid, decodedNanos))) {
            m.send(Replies.error(Result.SERVER_BUSY, "the server is shutting down", MsgType.CHAT_REQUEST, cmid));
        }
    }

    /**
     * Deletes a message (DeleteMessageRequest): its author may, and so may whoever {@code moderates}
     * the room (staff; the creator of an ad-hoc room). Answered with DeleteMessageResponse; see {@link Room#change}.
     *
     * @param audit told of each delete of another player's message (a moderation action)
     */
    public void deleteMessage(RoomMember m, DeleteMessageRequest req, Room.ModeratorRule moderates, DeleteAudit audit) {
        changeMessage(m, req.getRoomId(), req.getSeq(), ChatKind.CHAT_KIND_DELETE, "", moderates,
                (result, reason, seq) -> DeleteMessageResponse.newBuilder().setResult(result).setReason(reason)
                        .setSeq(seq).build(),
                p -> {
                    if (p.result() == Result.OK && p.othersAuthor() != null) {
                        audit.deleted(req.getRoomId(), req.getSeq(), p.othersAuthor(), req.getReason());
                    }
                });
    }

    /**
     * Told that a player deleted another player's message (a moderation action), on the room's
     * queue: must not block (AuditLog stores on its own executor).
     */
    @FunctionalInterface
    public interface DeleteAudit {
        /** Nothing is audited (no moderation configured). */
        DeleteAudit NONE = (roomId, seq, author, reason) -> { };

        /** Message {@code seq} of room {@code roomId}, written by {@code author}, was deleted, giving {@code reason}. */
        void deleted(long roomId, long seq, String author, String reason);
    }

    /**
     * Edits a message (EditMessageRequest): its author, within --edit-window, with a text checked
     * like chat. Answered with EditMessageResponse; see {@link Room#change}.
     */
    public void editMessage(RoomMember m, EditMessageRequest req) {
        Answer answer = (result, reason, seq) -> EditMessageResponse.newBuilder().setResult(result).setReason(reason)
                .setSeq(seq).build();
        String broken = invalidText(req.getText());
        BlockedWords.Outcome filtered = broken == null ? blockedWords.apply(req.getText()) : null;
        if (broken != null || filtered.refused()) {
            reply(m, ChatKind.CHAT_KIND_EDIT, answer, Result.INVALID_REQUEST, broken != null ? broken : filtered.refusal(), 0);
            return;
        }
        changeMessage(m, req.getRoomId(), req.getSeq(), ChatKind.CHAT_KIND_EDIT, filtered.text(),
                Room.ModeratorRule.NOBODY, answer, p -> { });
    }

    /** Builds the response to an edit or delete. */
    private interface Answer {
        MessageLite of(Result result, String reason, long seq);
    }

    private void changeMessage(RoomMember m, long roomId, long seq, ChatKind kind, String text, Room.ModeratorRule moderates,
                               Answer answer, Consumer<Room.Published> done) {
        Room room = resolve(m, roomId);
        if (room == null) {
            String why = named(m, roomId);
            reply(m, kind, answer, why == null ? Result.NOT_IN_ROOM : Result.INVALID_REQUEST, why == null ? notIn(roomId) : why, 0);
            return;
        }
        boolean queued = room.submitWhenReady(() -> room.change(kind, seq, text, m.member(), moderates, m.alloc())
                .thenAccept(p -> {
                    reply(m, kind, answer, p.result(), p.reason() == null ? "" : p.reason(), p.seq());
                    done.accept(p);
                }));
        if (!queued) {
            reply(m, kind, answer, Result.SERVER_BUSY, "the server is shutting down", 0);
        }
    }

    /** Counts and sends the answer to an edit or delete. */
    private void reply(RoomMember m, ChatKind kind, Answer answer, Result result, String reason, long seq) {
        context.metrics().messageChange(kindTag(kind), result);
        m.send(answer.of(result, reason, seq));
    }

    private static String kindTag(ChatKind kind) {
        return kind == ChatKind.CHAT_KIND_EDIT ? "edit" : "delete";
    }

    /**
     * Deletes message {@code seq} of room {@code roomId} for the server API: numbered like a
     * moderator's delete, the event's sender {0, {@code label}}. Any thread.
     *
     * @return completes on the room's queue with the event's seq or the refusal; null when there is no such room
     */
    public CompletableFuture<Room.Published> deleteAsServer(long roomId, long seq, String label) {
        Member by = Member.newBuilder().setPlayerId(0).setName(label).build();
        return onRoomAsync(roomId, room -> room.change(ChatKind.CHAT_KIND_DELETE, seq, "", by,
                Room.ModeratorRule.SERVER, ByteBufAllocator.DEFAULT).thenApply(p -> {
                    context.metrics().messageChange(kindTag(ChatKind.CHAT_KIND_DELETE), p.result());
                    return p;
                }));
    }

    /** A page of a room's stored messages, for its members (anyone, in a permanent room). */
    public void history(RoomMember m, HistoryRequest req) {
        long roomId = req.getRoomId();
        HistoryPager.Query q = context.history().query(req);
        if (q == null) {
            m.send(HistoryService.failure(Result.INVALID_REQUEST, roomId, "after_seq must be below before_seq"));
            return;
        }
        Room room = context.directory().find(roomId);
        if (room == null) {
            m.send(HistoryService.failure(Result.ROOM_NOT_FOUND, roomId, "no room " + Long.toUnsignedString(roomId)));
            return;
        }
        if (!room.submitWhenReady(() -> room.readHistory(m, q))) {
            m.send(HistoryService.failure(Result.SERVER_BUSY, roomId, "the server is shutting down"));
        }
    }

    /** Why {@code text} cannot be chat (empty, over --max-chat-bytes, or breaking {@link ChatText}), or null. */
    public String invalidText(String text) {
        return ChatText.problem(text, limits.maxChatBytes());
    }

    /**
     * A system message from the server to room {@code roomId}: numbered and stored like chat,
     * kind SYSTEM, sender {0, {@code label}}. The caller has checked {@code text} with
     * {@link #invalidText}. Any thread.
     *
     * @return completes on the room's queue with the seq or the refusal; null when there is no such room
     */
    public CompletableFuture<Room.Published> postSystem(long roomId, String label, String text) {
        return onRoomAsync(roomId, room -> room.system(label, text, ByteBufAllocator.DEFAULT));
    }

    /** The members of room {@code roomId}, in join order; null when there is no such room. Any thread. */
    public CompletableFuture<List<Member>> members(long roomId) {
        return onRoom(roomId, Room::memberList);
    }

    /**
     * Removes room {@code roomId} (see {@link Room#remove}); completes with false when it was gone
     * already, null when there is no such room. Any thread.
     */
    public CompletableFuture<Boolean> remove(long roomId, String reason) {
        return onRoom(roomId, room -> room.remove(reason));
    }

    /**
     * Kicks player {@code targetId} from room {@code roomId} if {@code rule} allows {@code byId}
     * to (see {@link Room#kick}); null when there is no such room. Any thread.
     */
    public CompletableFuture<Room.Kicked> kick(long roomId, long targetId, long byId, Room.ModeratorRule rule) {
        return onRoom(roomId, room -> room.kick(targetId, byId, rule));
    }

    /**
     * Runs {@code job} on the room's queue; null when there is no such room, failed with
     * {@link RejectedExecutionException} when the server is shutting down.
     */
    private <T> CompletableFuture<T> onRoom(long roomId, Function<Room, T> job) {
        return onRoomAsync(roomId, room -> CompletableFuture.completedFuture(job.apply(room)));
    }

    /** {@link #onRoom} of a job that completes later (the cluster numbers its message). */
    private <T> CompletableFuture<T> onRoomAsync(long roomId, Function<Room, CompletionStage<T>> job) {
        Room room = context.directory().find(roomId);
        if (room == null) {
            return null;
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!room.submitWhenReady(() -> {
            try {
                job.apply(room).whenComplete((value, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        })) {
            done.completeExceptionally(new RejectedExecutionException("the server is shutting down"));
        }
        return done;
    }

    /** The room a request names: {@code roomId}, or with 0 the member's only room; null if none. */
    private static Room resolve(RoomMember m, long roomId) {
        return roomId == 0 ? m.rooms().only() : m.rooms().find(roomId);
    }

    /**
     * Why {@code roomId} 0 names no room although the member is in some (it is in several), or
     * null: the member simply is not in that room.
     */
    private static String named(RoomMember m, long roomId) {
        int in = m.rooms().size();
        return roomId == 0 && in > 1 ? "in " + in + " rooms: set room_id to say which" : null;
    }

    private static String notIn(long roomId) {
        return roomId == 0 ? "not in a room" : "not in room " + Long.toUnsignedString(roomId);
    }

    private String tooManyRooms() {
        return "in " + limits.maxRoomsPerPlayer() + " rooms already, the most a player may be in; leave one first";
    }

    static CreateRoomResponse createFailed(Result result, String reason) {
        return CreateRoomResponse.newBuilder().setResult(result).setReason(reason).build();
    }

    static JoinRoomResponse joinFailed(Result result, String reason) {
        return JoinRoomResponse.newBuilder().setResult(result).setReason(reason).build();
    }
}
