package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.BlockRequest;
import dev.parley.protocol.pb.BlockResponse;
import dev.parley.protocol.pb.BanRequest;
import dev.parley.protocol.pb.BanResponse;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.UnbanRequest;
import dev.parley.protocol.pb.UnbanResponse;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.DirectHistoryRequest;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.UnblockRequest;
import dev.parley.protocol.pb.UnblockResponse;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A Parley chat client: one player's session with a server, kept alive across dropped
 * connections. See the {@linkplain dev.parley.client package documentation} for an example.
 *
 * <p><b>Requests.</b> Every request method returns a {@link CompletableFuture} that completes
 * with the reply, or fails with a {@link ParleyException}: {@link RequestRefusedException} (the
 * server said no), {@link ReplyTimeoutException}, {@link ConnectionLostException} (the
 * connection closed before the reply), {@link ReconnectFailedException} or
 * {@link ClientClosedException}. Several requests may be in flight; replies are matched by type,
 * {@code client_msg_id} or nonce, the oldest request first. History reads run one at a time
 * (a {@code HistoryResponse} carries no request id). Requests made before the login completes,
 * or while the client reconnects, wait and are sent once it is back, in the order made.
 *
 * <p><b>Threads.</b> The client has one thread of its own, the <em>client thread</em>, which
 * does all its I/O for all its connections (reconnects included). Every {@link ParleyListener}
 * method and every completion of a returned future runs on it, in the order the server's
 * messages arrived. Request methods may be called from any thread. A callback attached to a
 * returned future after it completed runs on the attaching thread instead; to keep a reply's
 * handling in order with listener events, make the request inside {@link #call}. Nothing may
 * block the client thread: not listener methods, not future callbacks ({@link #await} refuses
 * to run there).
 *
 * <p><b>Rooms.</b> A client may be in several rooms at once (up to the server's
 * {@code --max-rooms-per-player}); {@link ClientState#rooms()} lists them. Chat and leave name
 * the room; the forms without a room id mean the client's only room, as the server reads
 * {@code room_id} 0. Creates, joins and leaves go one at a time.
 *
 * <p><b>Reconnect and resume.</b> When the connection is lost after the login, the client
 * reconnects per its {@link ReconnectPolicy} (jittered exponential backoff), logs in again,
 * rejoins every room it was in, one after the other, each with the highest seq it has seen
 * ({@code last_seen_seq}), reads from history what a join's {@code recent} did not hold, and
 * reports each room's missed messages in {@link ParleyListener#onConnectionRestored} before any
 * live one: each message of a room reaches the listener once, in seq order, with no gap. A
 * login after a reconnect uses the session token the server gave the previous login (no
 * password hashing on the server); only when that is refused ({@code SESSION_EXPIRED}, or a
 * server on another database) does it log in with the configured name and password or backend
 * token again. A login refused with {@code ALREADY_LOGGED_IN} (the server still holds the dropped session) is
 * retried on the same schedule. Chat messages sent but not yet echoed when the connection
 * dropped are sent again, with the same {@code client_msg_id}, once the rooms are back; the
 * server's dedup window answers a resend of a message it already has with the original, so
 * the message exists once and its future completes with the original seq. Other requests in
 * flight when the connection drops fail with {@link ConnectionLostException}: the server may or
 * may not have carried them out.
 */
public final class ParleyClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParleyClient.class);

    /** Missed messages still on their way to the server's database are "busy"; asked again this often, this many times. */
    private static final Duration GAP_BUSY_RETRY = Duration.ofMillis(200);
    private static final int GAP_BUSY_TRIES = 5;

    private enum Phase { NEW, STARTING, LIVE, RECONNECTING, CLOSED }

    private final ClientConfig config;
    private final ParleyListener listener;
    private final DoubleSupplier random;
    private final LongSupplier nanoClock;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Timeouts timeouts;
    /** Null for plain TCP. */
    private final ClientTls tls;
    private final ClientState state = new ClientState();
    /**
     * Starts at random: the server remembers a player's ids for its dedup window across
     * connections, so a restarted client must not reuse the ids of the one before.
     */
    private final AtomicLong nextClientMsgId;
    private final AtomicLong nextNonce = new AtomicLong(1);
    /** The latest login's conversations; any thread reads it. */
    private volatile List<Conversation> conversations = List.of();

    // client thread only:
    private Phase phase = Phase.NEW;
    /** The connection requests go to; null unless live. */
    private Session current;
    /** Requests made while not live, in order. */
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** Chat messages sent and not yet echoed, by client_msg_id in sending order: resent after a reconnect. */
    private final LinkedHashMap<Long, Unacked> unacked = new LinkedHashMap<>();
    /** The session token of the latest login, for the next one; null = log in with the configured credentials. */
    private String sessionToken;
    /** Why the client ended; requests made later fail with it. Read by callers once the client thread is gone. */
    private volatile ParleyException endCause;

    ParleyClient(ClientConfig config, ParleyListener listener, DoubleSupplier random, LongSupplier nanoClock) {
        this.config = config;
        this.tls = ClientTls.forConfig(config.tls());
        this.listener = listener;
        this.random = random;
        this.nanoClock = nanoClock;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-client", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.nextClientMsgId = new AtomicLong(1 + (long) (random.getAsDouble() * (1L << 52)) * 1024);
        this.timeouts = (after, onTimeout) -> {
            try {
                ScheduledFuture<?> f = loop.schedule(onTimeout, after.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> { }; // shut down: the close fails the request instead
            }
        };
    }

    /** A client that has not connected yet; {@link #start()} connects it. */
    public static ParleyClient create(ClientConfig config, ParleyListener listener) {
        return new ParleyClient(config, listener, () -> ThreadLocalRandom.current().nextDouble(), System::nanoTime);
    }

    /**
     * Blocking convenience: creates a client, connects and logs in.
     *
     * @throws ParleyException why it could not: {@link CannotConnectException},
     *                         {@link RequestRefusedException} (the login), {@link ReplyTimeoutException},
     *                         {@link ConnectionLostException}
     */
    public static ParleyClient open(ClientConfig config, ParleyListener listener) {
        ParleyClient client = create(config, listener);
        try {
            client.await(client.start());
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Connects and logs in with the configured name and password; call once. Fails with
     * {@link CannotConnectException}, {@link RequestRefusedException} (e.g.
     * {@code INVALID_CREDENTIALS}, or {@code ALREADY_LOGGED_IN} unless
     * {@link ClientConfig#retryFirstLogin()}), {@link ReplyTimeoutException} or
     * {@link ConnectionLostException}; the client is then closed. Reconnecting covers only
     * losses after this has succeeded.
     */
    public CompletableFuture<LoginResponse> start() {
        CompletableFuture<LoginResponse> started = new CompletableFuture<>();
        onLoop(started, () -> {
            if (phase != Phase.NEW) {
                started.completeExceptionally(new IllegalStateException("start() was called already"));
                return;
            }
            phase = Phase.STARTING;
            firstLogin(started, new Backoff(config.reconnect(), random), nanoClock.getAsLong());
        });
        return started;
    }

    /** The client's knowledge of itself: player id, its rooms, last seq seen per room. Any thread. */
    public ClientState state() {
        return state;
    }

    public ClientConfig config() {
        return config;
    }

    /** The rooms on the server, in id order. */
    public CompletableFuture<List<RoomInfo>> listRooms() {
        return whenLive(s -> s.request(RoomListRequest.getDefaultInstance(),
                m -> m instanceof RoomListResponse || isErrorFor(m, MsgType.ROOM_LIST_REQUEST),
                m -> {
                    refuseIfError(m);
                    return ((RoomListResponse) m).getRoomsList();
                }, config.replyTimeout()));
    }

    /** Creates a room and enters it (besides any others); {@code maxMembers} 0 means the server's default. */
    public CompletableFuture<CreateRoomResponse> createRoom(String name, int maxMembers) {
        CreateRoomRequest request = CreateRoomRequest.newBuilder().setName(name).setMaxMembers(maxMembers).build();
        return whenLive(s -> s.membershipRequest(request,
                m -> m instanceof CreateRoomResponse || isErrorFor(m, MsgType.CREATE_ROOM_REQUEST),
                m -> {
                    refuseIfError(m);
                    CreateRoomResponse r = (CreateRoomResponse) m;
                    state.apply(r);
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.CREATE_ROOM_REQUEST);
                    return r;
                }, config.replyTimeout()));
    }

    /**
     * Enters room {@code roomId}, besides any others the client is in. The response holds the
     * members and the room's recent messages (those are not repeated through
     * {@link ParleyListener#onChat}); live chat follows it.
     */
    public CompletableFuture<JoinRoomResponse> join(long roomId) {
        JoinRoomRequest request = JoinRoomRequest.newBuilder().setRoomId(roomId).build();
        return whenLive(s -> s.membershipRequest(request, ParleyClient::isJoinReply, m -> {
            refuseIfError(m);
            JoinRoomResponse r = (JoinRoomResponse) m;
            state.apply(r);
            refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.JOIN_ROOM_REQUEST);
            return r;
        }, config.replyTimeout()));
    }

    /**
     * Leaves the client's only room (the server refuses with {@code INVALID_REQUEST} when it is in
     * several); completes with the room left (as last known), or null if the client knew of none.
     */
    public CompletableFuture<RoomInfo> leave() {
        return leave(0);
    }

    /** Leaves room {@code roomId} (0: the only room); completes with the room left (as last known), or null. */
    public CompletableFuture<RoomInfo> leave(long roomId) {
        LeaveRoomRequest request = LeaveRoomRequest.newBuilder().setRoomId(roomId).build();
        return whenLive(s -> s.membershipRequest(request,
                m -> m instanceof LeaveRoomResponse || isErrorFor(m, MsgType.LEAVE_ROOM_REQUEST),
                m -> {
                    refuseIfError(m);
                    LeaveRoomResponse r = (LeaveRoomResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.LEAVE_ROOM_REQUEST);
                    RoomInfo left = state.room(state.leftRoomId(r));
                    state.apply(r);
                    return left;
                }, config.replyTimeout()));
    }

    /** Says {@code text} in the client's only room; see {@link #chat(long, String)}. */
    public CompletableFuture<ChatNotify> chat(String text) {
        return chat(0, text);
    }

    /**
     * Says {@code text} in room {@code roomId} (0: the client's only room). Completes with the
     * server's echo of it (the {@code ChatNotify} with this request's {@code client_msg_id},
     * which also goes to {@link ParleyListener#onChat} first), or fails with the
     * {@code ErrorNotify} that rejected it, or at once with {@link MessageTooLongException}. If
     * the connection drops before the echo, the message is sent again after the reconnect with
     * the same id, and the echo completes it; the server's dedup window keeps it stored once.
     */
    public CompletableFuture<ChatNotify> chat(long roomId, String text) {
        long id = nextClientMsgId.getAndIncrement();
        ChatRequest request = ChatRequest.newBuilder().setText(text).setClientMsgId(id).setRoomId(roomId).build();
        int frame = Frames.HEADER_BYTES + request.getSerializedSize();
        if (frame > config.maxFrameBytes()) {
            return CompletableFuture.failedFuture(new MessageTooLongException(frame, config.maxFrameBytes()));
        }
        Unacked message = new Unacked(request, new CompletableFuture<>());
        whenLive(s -> {
            unacked.put(id, message);
            sendChat(s, message);
            return CompletableFuture.completedFuture(null);
        }).whenComplete((sent, e) -> {
            if (e != null) {
                message.echo.completeExceptionally(unwrap(e)); // it never went out: the client ended
            }
        });
        return message.echo;
    }

    /** A chat message sent and not yet echoed, and the future its echo completes. */
    private record Unacked(ChatRequest request, CompletableFuture<ChatNotify> echo) {
    }

    /** Sends (or resends) {@code message} on {@code s}; a connection lost meanwhile keeps it for the next one. */
    private void sendChat(Session s, Unacked message) {
        long id = message.request.getClientMsgId();
        long self = state.playerId();
        s.request(message.request,
                m -> m instanceof ChatNotify n && n.getClientMsgId() == id && n.getSender().getPlayerId() == self
                        || m instanceof ErrorNotify e && e.getClientMsgId() == id
                        && e.getRequestType() == MsgType.CHAT_REQUEST,
                m -> {
                    refuseIfError(m);
                    return (ChatNotify) m;
                }, config.replyTimeout()).whenComplete((echo, e) -> {
                    if (e != null && unwrap(e) instanceof ConnectionLostException && phase != Phase.CLOSED) {
                        return; // the client reconnects: resent once the rooms are back (restore)
                    }
                    unacked.remove(id);
                    if (e == null) {
                        message.echo.complete(echo);
                    } else {
                        message.echo.completeExceptionally(unwrap(e));
                    }
                });
    }

    /** After a reconnect: every chat message still unacknowledged goes out again, in the order first sent. */
    private void resendUnacked(Session s) {
        for (Unacked message : List.copyOf(unacked.values())) {
            sendChat(s, message);
        }
    }

    /** The client ended: unacknowledged chat messages will not be resent. */
    private void failUnacked(ParleyException cause) {
        List<Unacked> all = List.copyOf(unacked.values());
        unacked.clear();
        all.forEach(m -> m.echo.completeExceptionally(cause));
    }

    /**
     * The latest {@code count} messages of a room (fewer if it has fewer), ascending, read
     * backwards in as many pages as the server needs. Reads one at a time per client.
     */
    public CompletableFuture<List<ChatNotify>> history(long roomId, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, was " + count);
        }
        return whenLive(s -> s.history.latest(roomId, count));
    }

    /** Every message of a room with {@code afterSeq < seq} (and {@code seq < beforeSeq} unless null), ascending. */
    public CompletableFuture<List<ChatNotify>> historyBetween(long roomId, long afterSeq, Long beforeSeq) {
        return whenLive(s -> s.history.between(roomId, afterSeq, beforeSeq));
    }

    /**
     * Sends a direct message to player {@code name}, online or not. Completes with the server's
     * echo (also given to {@link ParleyListener#onDirectMessage} first; its seq numbers the
     * conversation), or fails with the {@code ErrorNotify} that refused it
     * ({@code PLAYER_NOT_FOUND}, {@code INVALID_REQUEST}), or at once with {@link MessageTooLongException}.
     */
    public CompletableFuture<DirectMessageNotify> sendDirect(String name, String text) {
        long id = nextClientMsgId.getAndIncrement();
        DirectMessageRequest request = DirectMessageRequest.newBuilder().setToName(name).setText(text)
                .setClientMsgId(id).build();
        int frame = Frames.HEADER_BYTES + request.getSerializedSize();
        if (frame > config.maxFrameBytes()) {
            return CompletableFuture.failedFuture(new MessageTooLongException(frame, config.maxFrameBytes()));
        }
        return whenLive(s -> {
            long self = state.playerId();
            return s.request(request,
                    m -> m instanceof DirectMessageNotify n && n.getClientMsgId() == id
                            && n.getSender().getPlayerId() == self
                            || m instanceof ErrorNotify e && e.getClientMsgId() == id
                            && e.getRequestType() == MsgType.DIRECT_MESSAGE_REQUEST,
                    m -> {
                        refuseIfError(m);
                        return (DirectMessageNotify) m;
                    }, config.replyTimeout());
        });
    }

    /**
     * One page of the direct conversation with {@code peer}, by the paging rules of room history
     * (docs/protocol.md): {@code afterSeq} and {@code beforeSeq} exclusive bounds or null, both
     * null for the latest {@code limit} (0 = the server's default). Reading marks the
     * conversation read up to the page's last seq. Fails with {@link RequestRefusedException}
     * unless OK.
     */
    public CompletableFuture<DirectHistoryResponse> directHistory(String peer, Long afterSeq, Long beforeSeq, int limit) {
        DirectHistoryRequest.Builder b = DirectHistoryRequest.newBuilder().setPeerName(peer).setLimit(limit);
        if (afterSeq != null) {
            b.setAfterSeq(afterSeq);
        }
        if (beforeSeq != null) {
            b.setBeforeSeq(beforeSeq);
        }
        DirectHistoryRequest request = b.build();
        return whenLive(s -> s.request(request,
                // reads of different peers may be answered out of order: the reply names its peer
                m -> m instanceof DirectHistoryResponse r && r.getPeer().getName().equalsIgnoreCase(peer)
                        || isErrorFor(m, MsgType.DIRECT_HISTORY_REQUEST),
                m -> {
                    refuseIfError(m);
                    DirectHistoryResponse r = (DirectHistoryResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.DIRECT_HISTORY_REQUEST);
                    return r;
                }, config.replyTimeout()));
    }

    /**
     * Blocks player {@code name}: its direct messages and its chat in shared rooms no longer reach
     * this player (the blocked player is not told). Completes with the blocked player.
     */
    public CompletableFuture<Member> block(String name) {
        return whenLive(s -> s.request(BlockRequest.newBuilder().setName(name).build(),
                m -> m instanceof BlockResponse || isErrorFor(m, MsgType.BLOCK_REQUEST),
                m -> {
                    refuseIfError(m);
                    BlockResponse r = (BlockResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.BLOCK_REQUEST);
                    return r.getPlayer();
                }, config.replyTimeout()));
    }

    /**
     * Deletes message {@code seq} of room {@code roomId} (one's own; a moderator or admin: any).
     * Every member, this client included, gets a ChatNotify of kind DELETE with target_seq
     * {@code seq}. Completes with that event's seq; refused with NOT_ALLOWED or MESSAGE_NOT_FOUND.
     */
    public CompletableFuture<Long> deleteMessage(long roomId, long seq, String reason) {
        return delete(DeleteMessageRequest.newBuilder().setRoomId(roomId).setSeq(seq)
                .setReason(reason == null ? "" : reason).build());
    }

    /**
     * Replaces the text of one's own message {@code seq} of room {@code roomId}, within the
     * server's edit window. Every member gets a ChatNotify of kind EDIT with target_seq {@code seq}.
     * Completes with that event's seq; refused with NOT_ALLOWED, MESSAGE_NOT_FOUND or EDIT_WINDOW_PASSED.
     */
    public CompletableFuture<Long> editMessage(long roomId, long seq, String text) {
        return edit(EditMessageRequest.newBuilder().setRoomId(roomId).setSeq(seq).setText(text).build());
    }

    /**
     * Deletes one's own direct message {@code seq} of the conversation with player {@code peer}.
     * Both players get a DirectMessageNotify of kind DELETE with target_seq {@code seq} (this
     * client's {@link ParleyListener#onDirectMessage} first). Completes with that event's seq;
     * refused with NOT_ALLOWED, MESSAGE_NOT_FOUND or PLAYER_NOT_FOUND.
     */
    public CompletableFuture<Long> deleteDirect(String peer, long seq) {
        return delete(DeleteMessageRequest.newBuilder().setPeerName(peer).setSeq(seq).build());
    }

    /**
     * Replaces the text of one's own direct message {@code seq} of the conversation with player
     * {@code peer}, within the server's edit window. Both players get a DirectMessageNotify of
     * kind EDIT with target_seq {@code seq}. Completes with that event's seq; refused with
     * NOT_ALLOWED, MESSAGE_NOT_FOUND, EDIT_WINDOW_PASSED, PLAYER_NOT_FOUND or INVALID_REQUEST.
     */
    public CompletableFuture<Long> editDirect(String peer, long seq, String text) {
        return edit(EditMessageRequest.newBuilder().setPeerName(peer).setSeq(seq).setText(text).build());
    }

    /** Sends a delete (of a room's or a conversation's message); completes with the DELETE event's seq. */
    private CompletableFuture<Long> delete(DeleteMessageRequest request) {
        return whenLive(s -> s.request(request,
                m -> m instanceof DeleteMessageResponse || isErrorFor(m, MsgType.DELETE_MESSAGE_REQUEST),
                m -> {
                    refuseIfError(m);
                    DeleteMessageResponse r = (DeleteMessageResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.DELETE_MESSAGE_REQUEST);
                    return r.getSeq();
                }, config.replyTimeout()));
    }

    /** Sends an edit (of a room's or a conversation's message); completes with the EDIT event's seq. */
    private CompletableFuture<Long> edit(EditMessageRequest request) {
        return whenLive(s -> s.request(request,
                m -> m instanceof EditMessageResponse || isErrorFor(m, MsgType.EDIT_MESSAGE_REQUEST),
                m -> {
                    refuseIfError(m);
                    EditMessageResponse r = (EditMessageResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.EDIT_MESSAGE_REQUEST);
                    return r.getSeq();
                }, config.replyTimeout()));
    }

    /** Unblocks player {@code name} (fine if it was not blocked). Completes with that player. */
    public CompletableFuture<Member> unblock(String name) {
        return whenLive(s -> s.request(UnblockRequest.newBuilder().setName(name).build(),
                m -> m instanceof UnblockResponse || isErrorFor(m, MsgType.UNBLOCK_REQUEST),
                m -> {
                    refuseIfError(m);
                    UnblockResponse r = (UnblockResponse) m;
                    refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.UNBLOCK_REQUEST);
                    return r.getPlayer();
                }, config.replyTimeout()));
    }

    /**
     * Kicks the online player {@code name} from room {@code roomId} (0 = this player's only room);
     * needs the moderator or admin role, or to have created that ad-hoc room (docs/protocol.md,
     * Moderation). Fails with {@link RequestRefusedException} unless OK ({@code NOT_ALLOWED} for a
     * refused role).
     */
    public CompletableFuture<Void> kick(long roomId, String name, String reason) {
        return moderate(KickRequest.newBuilder().setRoomId(roomId).setName(name).setReason(reason).build(),
                KickResponse.class, MsgType.KICK_REQUEST, r -> new Answer(r.getResult(), r.getResultValue(), r.getReason()));
    }

    /**
     * Mutes player {@code name} in room {@code roomId} (0 = everywhere) for {@code duration}
     * (whole seconds; zero lifts the mute); needs the moderator or admin role.
     */
    public CompletableFuture<Void> mute(long roomId, String name, Duration duration, String reason) {
        return moderate(MuteRequest.newBuilder().setRoomId(roomId).setName(name)
                        .setDurationS((int) duration.toSeconds()).setReason(reason).build(),
                MuteResponse.class, MsgType.MUTE_REQUEST, r -> new Answer(r.getResult(), r.getResultValue(), r.getReason()));
    }

    /**
     * Bans player {@code name} for {@code duration} (whole seconds; null or zero = permanently):
     * its connection closes and its logins are refused until the ban ends; needs the admin role.
     */
    public CompletableFuture<Void> ban(String name, Duration duration, String reason) {
        int seconds = duration == null ? 0 : (int) duration.toSeconds();
        return moderate(BanRequest.newBuilder().setName(name).setDurationS(seconds).setReason(reason).build(),
                BanResponse.class, MsgType.BAN_REQUEST, r -> new Answer(r.getResult(), r.getResultValue(), r.getReason()));
    }

    /** Lifts player {@code name}'s ban (fine if it has none); needs the admin role. */
    public CompletableFuture<Void> unban(String name) {
        return moderate(UnbanRequest.newBuilder().setName(name).build(),
                UnbanResponse.class, MsgType.UNBAN_REQUEST, r -> new Answer(r.getResult(), r.getResultValue(), r.getReason()));
    }

    /** The result of a moderation response, whichever message carried it. */
    private record Answer(Result result, int value, String reason) {
    }

    private <R extends MessageLite> CompletableFuture<Void> moderate(MessageLite request, Class<R> response,
                                                                      MsgType type, Function<R, Answer> answer) {
        return whenLive(s -> s.request(request,
                m -> response.isInstance(m) || isErrorFor(m, type),
                m -> {
                    refuseIfError(m);
                    Answer a = answer.apply(response.cast(m));
                    refuseUnlessOk(a.result(), a.value(), a.reason(), type);
                    return (Void) null;
                }, config.replyTimeout()));
    }

    /**
     * The player's direct conversations as its latest login (or re-login) listed them, most
     * recent first, with unread counts; empty before login.
     */
    public List<Conversation> conversations() {
        return conversations;
    }

    /** A ping; completes with the round-trip time. */
    public CompletableFuture<Duration> ping() {
        long nonce = nextNonce.getAndIncrement();
        return whenLive(s -> {
            long sent = nanoClock.getAsLong();
            return s.request(PingRequest.newBuilder().setNonce(nonce).build(),
                    m -> m instanceof PongResponse p && p.getNonce() == nonce || isErrorFor(m, MsgType.PING_REQUEST),
                    m -> {
                        refuseIfError(m);
                        return Duration.ofNanos(nanoClock.getAsLong() - sent);
                    }, config.replyTimeout());
        });
    }

    /**
     * Closes the connection on purpose and restores the session on a new one, as after a loss
     * ({@link ParleyListener#onConnectionLost} with {@code deliberate} true, then
     * {@link ParleyListener#onConnectionRestored}). With reconnecting off it tries once.
     * Completes when the client is back; if a reconnect is under way already, that one counts.
     */
    public CompletableFuture<Void> reconnect() {
        CompletableFuture<Void> back = new CompletableFuture<>();
        onLoop(back, () -> {
            if (phase == Phase.LIVE) {
                Session old = current;
                current = null;
                phase = Phase.RECONNECTING;
                old.close(); // not current: its close is no news, but fails what it still waited for
                notifyListener(() -> listener.onConnectionLost(null, true));
                startReconnect(null);
            }
            relay(whenLive(s -> CompletableFuture.completedFuture(null)), back);
        });
        return back;
    }

    /** Completes when the client is logged in and not reconnecting (at once if so); fails when it ends. */
    public CompletableFuture<Void> whenOnline() {
        return whenLive(s -> CompletableFuture.completedFuture(null));
    }

    /**
     * Runs {@code action} on the client thread and completes like the future it returns.
     * Requests made in {@code action}, with callbacks attached there, have those callbacks run
     * in order with listener events: the reply cannot be handled before they are attached.
     */
    public <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> action) {
        CompletableFuture<T> out = new CompletableFuture<>();
        onLoop(out, () -> {
            try {
                relay(action.get().toCompletableFuture(), out);
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /**
     * Blocking convenience: waits for {@code future} and returns its value, or throws its
     * {@link ParleyException} unwrapped. Not on the client thread, which would wait for itself.
     */
    public <T> T await(CompletionStage<T> future) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("await() on the client thread would block it for good");
        }
        try {
            return future.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        }
    }

    /**
     * Disconnects and releases the client thread; requests still waiting fail with
     * {@link ClientClosedException}. The listener hears nothing more. Idempotent; from the client
     * thread it does not wait for the thread to end.
     */
    @Override
    public void close() {
        try {
            onLoop(new CompletableFuture<>(), () -> {
                if (phase != Phase.CLOSED) {
                    phase = Phase.CLOSED;
                    endCause = new ClientClosedException();
                    failWaiting(endCause);
                    failUnacked(endCause);
                }
                if (current != null) {
                    current.close();
                    current = null;
                }
            });
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (!loop.inEventLoop()) {
                group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    // ---- the client thread from here on ----

    /** Runs {@code task} on the client thread; if that has ended, fails {@code failed} instead. */
    private void onLoop(CompletableFuture<?> failed, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ParleyException cause = endCause;
            failed.completeExceptionally(cause != null ? cause : new ClientClosedException());
        }
    }

    /** Runs {@code action} with the live connection: now, or once the client is (back) online, in order. */
    private <T> CompletableFuture<T> whenLive(Function<Session, CompletableFuture<T>> action) {
        CompletableFuture<T> out = new CompletableFuture<>();
        onLoop(out, () -> {
            if (phase == Phase.LIVE) {
                relay(action.apply(current), out);
            } else if (phase == Phase.CLOSED) {
                out.completeExceptionally(endCause);
            } else {
                waiting.add(new Waiter(s -> relay(action.apply(s), out), out::completeExceptionally));
            }
        });
        return out;
    }

    private record Waiter(Consumer<Session> onLive, Consumer<ParleyException> onEnd) {
    }

    private static <T> void relay(CompletableFuture<T> from, CompletableFuture<T> to) {
        from.whenComplete((v, e) -> {
            if (e == null) {
                to.complete(v);
            } else {
                to.completeExceptionally(unwrap(e));
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** A failure of the client's own futures as the exception it reports; anything else counts as a lost connection. */
    private static ParleyException asParley(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof ParleyException p ? p : new ConnectionLostException(t);
    }

    private void firstLogin(CompletableFuture<LoginResponse> started, Backoff backoff, long since) {
        openAndLogin().whenComplete((s, e) -> {
            if (phase != Phase.STARTING) { // closed meanwhile
                if (s != null) {
                    s.close();
                }
                started.completeExceptionally(endCause);
                return;
            }
            if (e == null) {
                goLive(s);
                started.complete(s.loginResponse);
                return;
            }
            ParleyException failure = asParley(e);
            Duration wait = config.retryFirstLogin() && failure instanceof RequestRefusedException r
                    && r.result() == Result.ALREADY_LOGGED_IN ? backoff.next(elapsedSince(since)) : null;
            if (wait != null) {
                log.debug("{} is online already; logging in again in {}", who(), wait);
                loop.schedule(() -> firstLogin(started, backoff, since), wait.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
            end(failure, false);
            started.completeExceptionally(failure);
        });
    }

    private String who() {
        return config.name() != null ? config.name() : "player " + state.playerId();
    }

    /**
     * A new connection, logged in with the session token when there is one; a session token
     * refused as expired or unknown is dropped and the configured credentials are tried at once.
     */
    private CompletableFuture<Session> openAndLogin() {
        String session = sessionToken;
        CompletableFuture<Session> loggedIn = openAndLogin(session);
        if (session == null) {
            return loggedIn;
        }
        return loggedIn.handle((s, e) -> {
            if (e != null && asParley(e) instanceof RequestRefusedException r
                    && (r.result() == Result.SESSION_EXPIRED || r.result() == Result.INVALID_CREDENTIALS)) {
                log.debug("session token refused ({}); logging in with the credentials", r.getMessage());
                if (sessionToken == session) {
                    sessionToken = null;
                }
                return openAndLogin(null);
            }
            return e == null ? CompletableFuture.completedFuture(s) : CompletableFuture.<Session>failedFuture(unwrap(e));
        }).thenCompose(f -> f);
    }

    private LoginRequest loginRequest(String session) {
        if (session != null) {
            return LoginRequest.newBuilder().setToken(session).build();
        }
        return config.token() != null ? LoginRequest.newBuilder().setToken(config.token()).build()
                : LoginRequest.newBuilder().setName(config.name()).setPassword(config.password()).build();
    }

    /** A new connection, logged in with {@code session} or else the configured credentials; on failure it is closed again. */
    private CompletableFuture<Session> openAndLogin(String session) {
        Session s = new Session(this, timeouts, config.replyTimeout());
        LoginRequest login = loginRequest(session);
        CompletableFuture<Session> loggedIn = ParleyConnection.connectAsync(group, config.host(), config.port(), s, config.heartbeat(), tls)
                .thenCompose(c -> {
                    s.connection = c;
                    return s.request(login, m -> m instanceof LoginResponse || isErrorFor(m, MsgType.LOGIN_REQUEST),
                            m -> {
                                refuseIfError(m);
                                LoginResponse r = (LoginResponse) m;
                                refuseUnlessOk(r.getResult(), r.getResultValue(), r.getReason(), MsgType.LOGIN_REQUEST);
                                state.apply(r);
                                return r;
                            }, config.loginTimeout());
                })
                .thenApply(r -> {
                    s.loginResponse = r;
                    conversations = r.getConversationsList();
                    if (!r.getSessionToken().isEmpty()) {
                        sessionToken = r.getSessionToken();
                    }
                    return s;
                });
        loggedIn.whenComplete((ok, e) -> {
            if (e != null) {
                s.close();
            }
        });
        return loggedIn;
    }

    /** Puts {@code s} in use and sends what waited for it. */
    private void goLive(Session s) {
        current = s;
        phase = Phase.LIVE;
        while (phase == Phase.LIVE && current == s && !waiting.isEmpty()) {
            waiting.poll().onLive.accept(s);
        }
    }

    /** Ends the client for good: later requests fail with {@code cause}. */
    private void end(ParleyException cause, boolean tell) {
        phase = Phase.CLOSED;
        endCause = cause;
        current = null;
        if (tell) {
            notifyListener(() -> listener.onClosed(cause));
        }
        failWaiting(cause);
        failUnacked(cause);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private void failWaiting(ParleyException cause) {
        Waiter w;
        while ((w = waiting.poll()) != null) {
            w.onEnd.accept(cause);
        }
    }

    /** A message of connection {@code s}. */
    void received(Session s, MessageLite message) {
        if (s.history.offer(message)) {
            return;
        }
        if (message instanceof ErrorNotify e && e.getResult() == Result.PROTOCOL_VIOLATION) {
            s.violated = true;
        }
        if (message instanceof ErrorNotify e && e.getResult() == Result.SESSION_REPLACED) {
            s.replaced = true; // another login of this player took over: reconnecting would take it back
        }
        if (message instanceof GoingAwayNotify g) {
            Duration wait = new Backoff(config.reconnect(), random)
                    .afterGoingAway(Duration.ofMillis(Integer.toUnsignedLong(g.getReconnectAfterMs())));
            s.goingAwayWait = wait;
            notifyListener(() -> listener.onGoingAway(g.getReason(), wait));
            return;
        }
        if (s.holding) {
            if (!s.pending.offer(message)) { // the rejoin's reply goes to the resume; the rest waits for it
                s.held.add(message);
            }
            return;
        }
        deliver(s, message);
    }

    private void deliver(Session s, MessageLite message) {
        if (message instanceof ChatNotify c) {
            Long seen = state.lastSeen(c.getRoomId());
            if (seen == null || c.getSeq() > seen) { // else a resume reported it already
                state.seen(c);
                notifyListener(() -> listener.onChat(c));
            }
            s.pending.offer(c); // after the listener: whoever waits for the echo finds it shown
        } else if (message instanceof DirectMessageNotify d) {
            notifyListener(() -> listener.onDirectMessage(d));
            s.pending.offer(d); // after the listener, as for chat
        } else if (message instanceof MemberJoinedNotify n) {
            notifyListener(() -> listener.onMemberJoined(n));
        } else if (message instanceof MemberLeftNotify n) {
            if (n.getMember().getPlayerId() == state.playerId()) {
                state.left(n.getRoomId()); // kicked (docs/protocol.md, Moderation): out of the room, not resumed
            }
            notifyListener(() -> listener.onMemberLeft(n));
        } else if (message instanceof ErrorNotify e) {
            if (!s.pending.offer(e)) {
                notifyListener(() -> listener.onError(e));
            }
        } else if (!s.pending.offer(message)) {
            state.apply(message); // a reply that came after its request timed out: the state still follows it
        }
    }

    /** Connection {@code s} closed. */
    void closed(Session s, Throwable cause) {
        // After the server's last word (a violation, a takeover) the close is the server's even when
        // it arrives as a reset: the server closed with our unread bytes still in its buffer.
        ConnectionLostException lost = new ConnectionLostException(s.violated || s.replaced ? null : cause);
        try {
            if (s != current || phase != Phase.LIVE) {
                return; // an attempt's connection (its requests fail below), or one closed on purpose
            }
            current = null;
            if (s.replaced) {
                end(new SessionReplacedException(), true);
            } else if (s.violated || !config.reconnect().enabled()) {
                end(lost, true);
            } else {
                phase = Phase.RECONNECTING;
                notifyListener(() -> listener.onConnectionLost(cause, false));
                startReconnect(s.goingAwayWait);
            }
        } finally {
            // after deciding: whoever waits for a reply learns the outcome (end or reconnect) first
            s.pending.close(lost);
            s.history.close(lost);
        }
    }

    /** @param firstWait before the first attempt (the server went away), or null: at once */
    private void startReconnect(Duration firstWait) {
        List<RoomInfo> rooms = state.rooms();
        Backoff backoff = new Backoff(config.reconnect(), random);
        long since = nanoClock.getAsLong();
        if (firstWait == null) {
            attemptReconnect(rooms, backoff, since);
        } else {
            loop.schedule(() -> attemptReconnect(rooms, backoff, since), firstWait.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void attemptReconnect(List<RoomInfo> rooms, Backoff backoff, long since) {
        if (phase != Phase.RECONNECTING) {
            return;
        }
        openAndLogin().thenCompose(s -> resume(s, rooms).whenComplete((live, e) -> {
            if (e != null) {
                s.close(); // logged in but not resumed: the next attempt must not find the name online
            }
        })).whenComplete((s, e) -> {
            if (e == null) {
                return; // live
            }
            if (phase != Phase.RECONNECTING) {
                return;
            }
            ParleyException failure = asParley(e);
            if (failure instanceof RequestRefusedException r && r.requestType() == MsgType.LOGIN_REQUEST
                    && !ReconnectPolicy.retriesLogin(r.result())) {
                end(new ReconnectFailedException("could not log in again: " + r.getMessage(), r, true), true);
                return;
            }
            String problem = problem(failure);
            Duration wait = backoff.next(elapsedSince(since));
            if (wait == null) {
                String message = config.reconnect().enabled()
                        ? "gave up reconnecting after " + ClientConfig.seconds(config.reconnect().giveUpAfter()) + ": " + problem
                        : "could not reconnect: " + problem;
                end(new ReconnectFailedException(message, failure, false), true);
                return;
            }
            notifyListener(() -> listener.onReconnectAttemptFailed(problem, wait));
            loop.schedule(() -> attemptReconnect(rooms, backoff, since), wait.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    private static String problem(ParleyException failure) {
        if (failure instanceof RequestRefusedException r && r.requestType() == MsgType.LOGIN_REQUEST) {
            return "login refused: " + r.getMessage();
        }
        if (failure instanceof ConnectionLostException) {
            return "the connection closed during the reconnect";
        }
        return failure.getMessage();
    }

    /**
     * Rejoins every room of {@code rooms}, one after the other, each with the last seq seen,
     * reads what {@code recent} did not hold, then goes live on {@code s}; completes with
     * {@code s} once live.
     */
    private CompletableFuture<Session> resume(Session s, List<RoomInfo> rooms) {
        s.holding = true; // before the first join: live messages of a room come right after its reply
        CompletableFuture<List<Resumption>> done = CompletableFuture.completedFuture(new ArrayList<>());
        for (RoomInfo room : rooms) {
            done = done.thenCompose(list -> resumeRoom(s, room).thenApply(r -> {
                list.add(r);
                return list;
            }));
        }
        return done.thenCompose(list -> restore(s, list));
    }

    /** Rejoins one room and reads its gap; a refusal is part of the outcome, a lost connection fails it. */
    private CompletableFuture<Resumption> resumeRoom(Session s, RoomInfo room) {
        Long lastSeen = state.lastSeen(room.getRoomId());
        JoinRoomRequest.Builder join = JoinRoomRequest.newBuilder().setRoomId(room.getRoomId());
        if (lastSeen != null) {
            join.setLastSeenSeq(lastSeen);
        }
        long seen = lastSeen == null ? 0 : lastSeen;
        return s.membershipRequest(join.build(), ParleyClient::isJoinReply, m -> m, config.replyTimeout()).thenCompose(m -> {
            if (!(m instanceof JoinRoomResponse r && r.getResult() == Result.OK)) {
                return CompletableFuture.completedFuture(new Resumption(room, null, refusal(m), List.of(), null));
            }
            if (!r.getHasGap()) {
                return CompletableFuture.completedFuture(new Resumption(room, r.getRoom(), null,
                        MissedMessages.merge(seen, List.of(), r.getRecentList()), null));
            }
            Long before = r.getRecentCount() == 0 ? null : r.getRecent(0).getSeq();
            return readGap(s, room.getRoomId(), seen, before, 1).handle((gap, failure) -> {
                Throwable f = failure == null ? null : unwrap(failure);
                if (f != null && !(f instanceof RequestRefusedException)) {
                    throw new CompletionException(f); // lost or timed out: this attempt fails
                }
                List<ChatNotify> missed = MissedMessages.merge(seen, gap == null ? List.of() : gap, r.getRecentList());
                return new Resumption(room, r.getRoom(), null, missed, (RequestRefusedException) f);
            });
        });
    }

    /** The gap of a resume; "busy" (messages still on their way to the database) is asked again a few times. */
    private CompletableFuture<List<ChatNotify>> readGap(Session s, long roomId, long after, Long before, int tries) {
        CompletableFuture<List<ChatNotify>> read = s.history.between(roomId, after, before);
        return read.handle((messages, e) -> {
            Throwable f = e == null ? null : unwrap(e);
            if (f instanceof RequestRefusedException r && r.result() == Result.SERVER_BUSY && tries < GAP_BUSY_TRIES) {
                CompletableFuture<List<ChatNotify>> again = new CompletableFuture<>();
                loop.schedule(() -> relay(readGap(s, roomId, after, before, tries + 1), again),
                        GAP_BUSY_RETRY.toMillis() * tries, TimeUnit.MILLISECONDS);
                return again;
            }
            return read;
        }).thenCompose(Function.identity());
    }

    /**
     * The end of a resume: reports each room's outcome, then the live messages held back meanwhile (those the
     * resume reported already are dropped), and puts {@code s} in use. On the client thread, so
     * no message of {@code s} can come in between.
     */
    private CompletableFuture<Session> restore(Session s, List<Resumption> resumed) {
        if (phase != Phase.RECONNECTING || !s.isOpen()) {
            return CompletableFuture.failedFuture(new ConnectionLostException(null));
        }
        for (Resumption r : resumed) {
            if (r.room() != null) {
                state.entered(r.room());
                r.missed().forEach(state::seen);
            } else {
                state.left(r.previousRoom().getRoomId());
            }
        }
        if (resumed.isEmpty()) {
            notifyListener(() -> listener.onConnectionRestored(Resumption.noRoom()));
        }
        for (Resumption r : resumed) {
            notifyListener(() -> listener.onConnectionRestored(r));
        }
        s.holding = false;
        List<MessageLite> held = List.copyOf(s.held);
        s.held.clear();
        held.forEach(m -> deliver(s, m));
        resendUnacked(s); // before what waited for the reconnect: in the order the messages were made
        goLive(s);
        return CompletableFuture.completedFuture(s);
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("a Parley listener failed; the client carries on", e);
        }
    }

    private Duration elapsedSince(long since) {
        return Duration.ofNanos(nanoClock.getAsLong() - since);
    }

    private static boolean isJoinReply(MessageLite m) {
        return m instanceof JoinRoomResponse || isErrorFor(m, MsgType.JOIN_ROOM_REQUEST);
    }

    private static boolean isErrorFor(MessageLite m, MsgType requestType) {
        return m instanceof ErrorNotify e && e.getRequestType() == requestType;
    }

    private static void refuseIfError(MessageLite m) {
        if (m instanceof ErrorNotify e) {
            throw new RequestRefusedException(e.getResult(), e.getResultValue(), e.getReason(), e.getRequestType());
        }
    }

    private static void refuseUnlessOk(Result result, int value, String reason, MsgType requestType) {
        if (result != Result.OK) {
            throw new RequestRefusedException(result, value, reason, requestType);
        }
    }

    /** The refusal of a rejoin (a response or an error). */
    private static RequestRefusedException refusal(MessageLite m) {
        if (m instanceof JoinRoomResponse r) {
            return new RequestRefusedException(r.getResult(), r.getResultValue(), r.getReason(), MsgType.JOIN_ROOM_REQUEST);
        }
        ErrorNotify e = (ErrorNotify) m;
        return new RequestRefusedException(e.getResult(), e.getResultValue(), e.getReason(), e.getRequestType());
    }
}
