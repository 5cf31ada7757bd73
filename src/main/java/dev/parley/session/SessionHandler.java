package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Replies;
import dev.parley.room.RoomService;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.ProtocolViolationException;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last inbound handler of a client connection: applies the connection-level policies
 * (login gate, rate limit, protocol violations, slow readers) and routes each request to the
 * login flow or the room service. One instance per connection; runs on the connection's event
 * loop, like everything it calls.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    private final LoginFlow logins;
    private final RoomService rooms;
    private final ServerMetrics metrics;
    private final int rateLimit;
    private final long slowReaderGraceMillis;
    private ClientSession session;
    private ScheduledFuture<?> slowReaderCheck;

    SessionHandler(LoginFlow logins, RoomService rooms, ServerMetrics metrics, SessionPolicies policies) {
        this.logins = logins;
        this.rooms = rooms;
        this.metrics = metrics;
        this.rateLimit = policies.rateLimit();
        this.slowReaderGraceMillis = policies.slowReaderGrace().toMillis();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new ClientSession(ctx.channel(), metrics, rateLimit);
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (slowReaderCheck != null) {
            slowReaderCheck.cancel(false);
        }
        if (session != null) {
            rooms.disconnected(session);
            logins.loggedOut(session);
            metrics.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MessageLite message = (MessageLite) msg; // FrameDecoder emits parsed protobuf messages only
        MsgType type = MessageCatalog.of(message).msgType();
        metrics.request(type.getNumber());
        long now = System.nanoTime();
        if (!session.tryAcquire(now)) {
            metrics.rateLimited();
            if (session.firstRateLimitLog()) {
                log.info("[{}] over the rate limit of {} requests/s; excess requests are refused", session, rateLimit);
            }
            long cmid = message instanceof ChatRequest chat ? chat.getClientMsgId() : 0;
            session.send(Replies.error(Result.RATE_LIMITED, "over " + rateLimit + " requests/s", type, cmid));
            return;
        }
        switch (type) {
            case PING_REQUEST -> session.send(PongResponse.newBuilder().setNonce(((PingRequest) message).getNonce()).build());
            case LOGIN_REQUEST -> logins.login(session, (LoginRequest) message);
            default -> {
                if (!session.isLoggedIn()) {
                    long cmid = message instanceof ChatRequest chat ? chat.getClientMsgId() : 0;
                    session.send(Replies.error(Result.NOT_LOGGED_IN, "log in first", type, cmid));
                    return;
                }
                switch (type) {
                    case CHAT_REQUEST -> rooms.chat(session, (ChatRequest) message, now);
                    case ROOM_LIST_REQUEST -> rooms.list(session);
                    case CREATE_ROOM_REQUEST -> rooms.create(session, (CreateRoomRequest) message);
                    case JOIN_ROOM_REQUEST -> rooms.join(session, (JoinRoomRequest) message);
                    case LEAVE_ROOM_REQUEST -> rooms.leave(session);
                    case HISTORY_REQUEST -> rooms.history(session, (HistoryRequest) message);
                    default -> session.send(Replies.error(Result.INVALID_REQUEST, type + " is not handled", type));
                }
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            // A burst can push a healthy reader over the high water mark for a moment; only a
            // client that stays over it for the whole grace period is treated as not reading.
            if (slowReaderCheck == null) {
                slowReaderCheck = ctx.executor().schedule(() -> closeIfStillSlow(ctx),
                        slowReaderGraceMillis, TimeUnit.MILLISECONDS);
            }
        } else if (slowReaderCheck != null) {
            slowReaderCheck.cancel(false);
            slowReaderCheck = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void closeIfStillSlow(ChannelHandlerContext ctx) {
        slowReaderCheck = null;
        Channel ch = ctx.channel();
        if (!ch.isWritable() && ch.isActive()) {
            // Closing bounds the memory one client can hold; it can reconnect and rejoin.
            metrics.slowReaderDisconnect();
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            log.info("[{}] closed: {} bytes unread for over {} ms (slow reader)", session,
                    out == null ? 0 : out.totalPendingWriteBytes(), slowReaderGraceMillis);
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolViolationException pv) {
            metrics.protocolViolation();
            log.info("[{}] protocol violation from {}: {}; closing", session, ctx.channel().remoteAddress(), pv.getMessage());
            MsgType requestType = MsgType.forNumber(pv.requestType());
            var notify = Replies.error(Result.PROTOCOL_VIOLATION, pv.getMessage(),
                    requestType == null ? MsgType.MSG_TYPE_UNSPECIFIED : requestType);
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), notify)).addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof IOException) {
            log.debug("[{}] connection error: {}", session, cause.toString());
            ctx.close();
        } else {
            log.warn("[{}] unexpected error; closing the connection", session, cause);
            ctx.close();
        }
    }
}
