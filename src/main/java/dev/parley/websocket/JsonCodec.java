package dev.parley.websocket;

import dev.parley.protocol.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * {@code parley.v1.json}: a text message is one message in the JSON mapping of
 * {@link JsonMessages}. Inbound it is parsed straight into the request (no Parley frame in
 * between); outbound, the encoded frame, which may be a broadcast's bytes shared with binary
 * and TCP members, is read back into its message and printed, per connection: rooms keep
 * encoding each broadcast once, and only JSON members pay for JSON. One per connection; its
 * event loop.
 */
final class JsonCodec extends MessageCodec {

    private final int maxFrameBytes;

    JsonCodec(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    boolean accepts(WebSocketFrame frame) {
        return frame instanceof TextWebSocketFrame;
    }

    @Override
    void decode(ChannelHandlerContext ctx, WebSocketFrame frame) {
        String text;
        try {
            text = ((TextWebSocketFrame) frame).text();
        } finally {
            frame.release();
        }
        Object message;
        try {
            message = JsonMessages.parse(text, maxFrameBytes);
        } catch (ProtocolViolationException e) {
            throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, e.getMessage(), e.requestType());
        }
        ctx.fireChannelRead(message);
    }

    @Override
    WebSocketFrame encode(ChannelHandlerContext ctx, ByteBuf frame) {
        try {
            return new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), JsonMessages.print(frame)));
        } finally {
            frame.release();
        }
    }

    @Override
    Subprotocol subprotocol() {
        return Subprotocol.JSON;
    }
}
