package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.direct.DirectService;
import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.moderation.ModerationService;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.ProtocolViolationException;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The last inbound handler of a client connection: applies the connection policies and routes
 * each request to the login flow or the room service. One instance per connection; runs on the
 * connection's event loop, like everything it calls.
 *
 * <p>Policies, each with its option in {@link SessionPolicies}:
 * <ul>
 *   <li>the login gate and the login and idle {@link Deadlines};</li>
 *   <li>the request rate ({@link FloodGuard}): refusals coalesced, the socket not read until a
 *       token is back, a connection flooding for the abuse grace closed;</li>
 *   <li>back-pressure: while the client does not read what it is sent, its input is not read
 *       either, so it cannot make the server produce more; past the slow-reader grace, or past
 *       the pending-bytes cap at once ({@link ClientSession}), it is closed;</li>
 *   <li>protocol violations: an {@code ErrorNotify}, then close.</li>
 * </ul>
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** How long a closing connection's last notice may take before the connection closes anyway. */
    static final Duration LAST_WORD_WAIT = Duration.ofSeconds(1);
    private static final LogLimiter violationLog = new LogLimiter(log, LOG_INTERVAL);
    private static final LogLimiter floodLog = new LogLimiter(log, LOG_INTERVAL);
    private static final LogLimiter slowReaderLog = new LogLimiter(log, LOG_INTERVAL);
    private static final LogLimiter timeoutLog = new LogLimiter(log, LOG_INTERVAL);
    private static final LogLimiter errorLog = new LogLimiter(log, LOG_INTERVAL);

    private final LoginFlow logins;
    private final RoomService rooms;
    /** Null when direct messages are off (tests of other requests). */
    private final DirectService direct;
    /** Null when moderation is off (tests of other requests). */
    private final ModerationService moderation;
    private final ServerMetrics metrics;
    private final SessionPolicies policies;
    private final GoingAway goingAway;
    private ClientSession session;
    private FloodGuard flood;
    private Deadlines deadlines;
    private ScheduledFuture<?> slowReaderCheck;
    private boolean closing;
    /** Input is paused while the client does not read its output (back-pressure). */
    private boolean outputBacklogged;
    /** Input is paused until the rate limiter has a token again (a flood is not even read). */
    private boolean floodPaused;

    SessionHandler(LoginFlow logins, RoomService rooms, DirectService direct, ModerationService moderation,
                   ServerMetrics metrics, SessionPolicies policies, GoingAway goingAway) {
        this.moderation = moderation;
        this.logins = logins;
        this.rooms = rooms;
        this.direct = direct;
        this.metrics = metrics;
        this.policies = policies;
        this.goingAway = goingAway;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new ClientSession(ctx.channel(), metrics, policies.maxPendingBytes());
        flood = new FloodGuard(policies.rateLimit(), policies.abuseGrace().toNanos());
        deadlines = new Deadlines(ctx.executor(), policies.loginTimeout().toNanos(), policies.idleTimeout().toNanos(),
                new Expiry(ctx));
        deadlines.start();
        metrics.connectionOpened();
        GoingAwayNotify notice = goingAway.notice();
        if (notice != null) {
            session.send(notice); // opened during a drain: told at once, so it can go elsewhere
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (slowReaderCheck != null) {
            slowReaderCheck.cancel(false);
        }
        if (session != null) {
            deadlines.stop();
            rooms.disconnected(session);
            logins.loggedOut(session);
            metrics.connectionClosed();
            session.gone();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MessageLite message = (MessageLite) msg; // FrameDecoder emits parsed protobuf messages only
        if (closing) {
            return; // the connection is being closed: what it still sent is dropped
        }
        MsgType type = MessageCatalog.of(message).msgType();
        metrics.request(type.getNumber());
        long now = deadlines.now();
        deadlines.heard(now);
        FloodGuard.Verdict verdict = flood.onRequest(now);
        if (verdict != FloodGuard.Verdict.ACCEPT) {
            refuse(ctx, message, type, verdict);
            return;
        }
        switch (type) {
            case PING_REQUEST -> session.send(PongResponse.newBuilder().setNonce(((PingRequest) message).getNonce()).build());
            case LOGIN_REQUEST -> {
                ErrorNotify draining = goingAway.loginRefusal();
                if (draining != null) {
                    session.send(draining);
                } else {
                    logins.login(session, (LoginRequest) message, deadlines::loggedIn);
                }
            }
            default -> {
                if (!session.isLoggedIn()) {
                    session.send(Replies.error(Result.NOT_LOGGED_IN, "log in first", type, clientMsgId(message)));
                    return;
                }
                // before the room cases: an edit or delete that names a peer_name is a direct message's
                if (direct != null && DirectService.handles(message)) {
                    direct.handle(session, message);
                    return;
                }
                switch (type) {
                    case CHAT_REQUEST -> chat((ChatRequest) message);
                    case ROOM_LIST_REQUEST -> rooms.list(session);
                    case CREATE_ROOM_REQUEST -> rooms.create(session, (CreateRoomRequest) message);
                    case JOIN_ROOM_REQUEST -> rooms.join(session, (JoinRoomRequest) message);
                    case LEAVE_ROOM_REQUEST -> rooms.leave(session, (LeaveRoomRequest) message);
                    case HISTORY_REQUEST -> rooms.history(session, (HistoryRequest) message);
                    case DELETE_MESSAGE_REQUEST -> rooms.deleteMessage(session, (DeleteMessageRequest) message,
                            moderation == null ? Room.ModeratorRule.NOBODY : moderation.moderatorRule(session),
                            moderation == null ? RoomService.DeleteAudit.NONE : moderation.deleteAudit(session));
                    case EDIT_MESSAGE_REQUEST -> rooms.editMessage(session, (EditMessageRequest) message);
                    default -> {
                        if (moderation != null && ModerationService.handles(type)) {
                            moderation.handle(session, message);
                        } else {
                            session.send(Replies.error(Result.INVALID_REQUEST, type + " is not handled", type));
                        }
                    }
                }
            }
        }
    }

    /** Chat, unless the player is muted there. */
    private void chat(ChatRequest req) {
        ErrorNotify muted = moderation == null ? null : moderation.chatRefusal(session, req);
        if (muted != null) {
            session.send(muted);
        } else {
            rooms.chat(session, req, System.nanoTime());
        }
    }

    private void refuse(ChannelHandlerContext ctx, MessageLite message, MsgType type, FloodGuard.Verdict verdict) {
        metrics.rateLimited();
        if (verdict != FloodGuard.Verdict.DISCONNECT && !floodPaused) {
            // Stop reading until a token is back: a flood then costs a paused socket, not a parse
            // and a refusal per request, and TCP slows the sender down.
            floodPaused = true;
            updateReading(ctx);
            ctx.executor().schedule(() -> {
                floodPaused = false;
                updateReading(ctx);
            }, flood.retryAfterMillis(), TimeUnit.MILLISECONDS);
        }
        switch (verdict) {
            case REFUSE -> {
                floodLog.info("[{}] over the rate limit of {} requests/s; excess requests are refused",
                        session, policies.rateLimit());
                session.send(ErrorNotify.newBuilder().setResult(Result.RATE_LIMITED)
                        .setReason("over " + policies.rateLimit() + " requests/s").setRequestType(type)
                        .setClientMsgId(clientMsgId(message)).setRetryAfterMs(flood.retryAfterMillis()).build());
            }
            case DISCONNECT -> {
                metrics.abuseDisconnect();
                floodLog.info("[{}] closed: over the rate limit of {} requests/s for {} s", session,
                        policies.rateLimit(), policies.abuseGrace().toSeconds());
                closeWith(ctx, Result.RATE_LIMITED, "over " + policies.rateLimit() + " requests/s for "
                        + policies.abuseGrace().toSeconds() + " s; closing");
            }
            default -> { } // told within the last second: counted only
        }
    }

    private static long clientMsgId(MessageLite message) {
        if (message instanceof DirectMessageRequest direct) {
            return direct.getClientMsgId();
        }
        return message instanceof ChatRequest chat ? chat.getClientMsgId() : 0;
    }

    /** Reads the client's input unless a policy pauses it: a backlog of output, a flood, a close. */
    private void updateReading(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(!closing && !outputBacklogged && !floodPaused);
    }

    /** Sends a last {@code ErrorNotify} and closes, reading nothing more from the client. */
    private void closeWith(ChannelHandlerContext ctx, Result result, String reason) {
        closeAfter(ctx, Replies.error(result, reason, MsgType.MSG_TYPE_UNSPECIFIED));
    }

    /**
     * Writes a last notice, then closes: once it is written, or after {@link #LAST_WORD_WAIT}
     * at the latest, since a client that does not read (or is gone) may never take it.
     */
    private void closeAfter(ChannelHandlerContext ctx, ErrorNotify lastWord) {
        closing = true;
        updateReading(ctx);
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), lastWord)).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> ctx.close(), LAST_WORD_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (!ch.isWritable()) {
            // Back-pressure: while the client does not read what it is sent, its requests are
            // not read either, so it cannot make the server produce more for it.
            outputBacklogged = true;
            updateReading(ctx);
            // A burst can push a healthy reader over the high water mark for a moment; only a
            // client that stays over it for the whole grace period is treated as not reading.
            if (slowReaderCheck == null) {
                slowReaderCheck = ctx.executor().schedule(() -> closeIfStillSlow(ctx),
                        policies.slowReaderGrace().toNanos(), TimeUnit.NANOSECONDS);
            }
            session.checkBacklog();
        } else {
            outputBacklogged = false;
            updateReading(ctx);
            if (slowReaderCheck != null) {
                slowReaderCheck.cancel(false);
                slowReaderCheck = null;
            }
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
            slowReaderLog.info("[{}] closed: {} bytes unread for over {} ms (slow reader)", session,
                    out == null ? 0 : out.totalPendingWriteBytes(), policies.slowReaderGrace().toMillis());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolViolationException pv) {
            metrics.protocolViolation();
            violationLog.info("[{}] protocol violation from {}: {}; closing", session, ctx.channel().remoteAddress(),
                    pv.getMessage());
            MsgType requestType = MsgType.forNumber(pv.requestType());
            closeAfter(ctx, Replies.error(Result.PROTOCOL_VIOLATION, pv.getMessage(),
                    requestType == null ? MsgType.MSG_TYPE_UNSPECIFIED : requestType));
        } else if (cause instanceof IOException) {
            log.debug("[{}] connection error: {}", session, cause.toString());
            ctx.close();
        } else {
            errorLog.warn(b -> b.setMessage("[{}] unexpected error; closing the connection").addArgument(session)
                    .addKeyValue("event", "connection_error").setCause(cause));
            ctx.close();
        }
    }

    /** The deadlines' verdicts on this connection. */
    private final class Expiry implements Deadlines.Expiry {
        private final ChannelHandlerContext ctx;

        Expiry(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void loginTimedOut() {
            if (session.isLoggedIn() || closing) {
                return;
            }
            if (session.loginPending()) {
                deadlines.checkLoginAgainSoon(); // its answer is on the way (hashing, a takeover)
                return;
            }
            metrics.timedOut("login");
            timeoutLog.info("[{}] closed: no login within {} s", session, policies.loginTimeout().toSeconds());
            closeWith(ctx, Result.TIMED_OUT, "no login within " + policies.loginTimeout().toSeconds() + " s");
        }

        @Override
        public void idleTimedOut(long silentNanos) {
            metrics.timedOut("idle");
            timeoutLog.info("[{}] closed: silent for {} s", session, TimeUnit.NANOSECONDS.toSeconds(silentNanos));
            closeWith(ctx, Result.TIMED_OUT, "nothing received for " + policies.idleTimeout().toSeconds()
                    + " s; send a PingRequest at least every " + Math.max(1, policies.idleTimeout().toSeconds() / 3) + " s");
        }

        @Override
        public boolean readsPaused() {
            return outputBacklogged && !closing; // a client that floods is not idle, and is heard anyway
        }
    }
}
