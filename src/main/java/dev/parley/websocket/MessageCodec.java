package dev.parley.websocket;

import dev.parley.protocol.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * WebSocket messages ⇄ what the session layer reads and writes, for one subprotocol. Inbound,
 * each whole data message (the aggregator joined its fragments) becomes one request; outbound,
 * every write is an encoded Parley frame (a {@link ByteBuf}, possibly a broadcast's shared
 * bytes) and leaves as one WebSocket message. Also owns the closing handshake: a client's close
 * is answered, and a close by the server (a policy, a violation, shutdown) sends a close frame
 * first, once. A WebSocket-level violation (a message over the size limit, a malformed frame)
 * becomes a {@link ProtocolViolationException}, so the session handler answers, counts and logs
 * it as on TCP. One per connection; runs on its event loop.
 */
abstract class MessageCodec extends ChannelDuplexHandler {

    /** A WebSocket frame the decoder refused, passed on as an event by {@link DecoderErrors}. */
    record BrokenMessage(CorruptedWebSocketFrameException cause) {
    }

    /** A close frame's reason must fit 123 bytes; the ErrorNotify before it has the details. */
    static final String CLOSE_REASON = "closed by the server; see the last ErrorNotify";

    private boolean failed;
    private boolean closeSent;
    private WebSocketCloseStatus closeStatus = WebSocketCloseStatus.POLICY_VIOLATION;

    /** The subprotocol's data message type (binary or text). */
    abstract boolean accepts(WebSocketFrame frame);

    /** Turns one data message into a request and passes it on; owns {@code frame}. */
    abstract void decode(ChannelHandlerContext ctx, WebSocketFrame frame);

    /** One encoded Parley frame as this subprotocol's message; owns {@code frame}. */
    abstract WebSocketFrame encode(ChannelHandlerContext ctx, ByteBuf frame);

    abstract Subprotocol subprotocol();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg); // the connection is being closed for a violation
            return;
        }
        if (msg instanceof CloseWebSocketFrame close) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? WebSocketCloseStatus.NORMAL_CLOSURE.code()
                    : close.statusCode(), "")).addListener(f -> ctx.channel().close());
            close.release();
            return;
        }
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!accepts(frame)) {
            frame.release();
            throw violation(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, subprotocol().wireName() + " takes "
                    + (subprotocol() == Subprotocol.BINARY ? "binary" : "text") + " messages only", 0);
        }
        decode(ctx, frame);
    }

    /** Marks this connection failed and gives the exception the session handler answers. */
    ProtocolViolationException violation(WebSocketCloseStatus status, String reason, int requestType) {
        failed = true;
        closeStatus = status;
        return new ProtocolViolationException(reason, requestType);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof BrokenMessage broken) {
            exceptionCaught(ctx, broken.cause());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            WebSocketCloseStatus status = corrupted.closeStatus() != null ? corrupted.closeStatus()
                    : WebSocketCloseStatus.PROTOCOL_ERROR;
            ctx.fireExceptionCaught(violation(status, "bad WebSocket frame: " + corrupted.getMessage(), 0));
        } else if (cause instanceof TooLongFrameException) {
            ctx.fireExceptionCaught(violation(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "WebSocket message too long: " + cause.getMessage(), 0));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg instanceof ByteBuf frame ? encode(ctx, frame) : msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(closeStatus, CLOSE_REASON));
        }
        ctx.close(promise);
    }
}
