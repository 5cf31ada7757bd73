package dev.parley.websocket;

import dev.parley.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * {@code parley.v1}: a binary message carries exactly one Parley frame. This stage checks the
 * one rule WebSocket adds, that the message and the frame end together (no partial frame, no
 * trailing bytes), and hands the bytes to the same {@code FrameDecoder} as TCP, which applies
 * every other rule (size, type, direction, body). Outbound, a frame is wrapped, not copied:
 * a broadcast's shared bytes go out as they are. One per connection; its event loop.
 */
final class BinaryCodec extends MessageCodec {

    @Override
    boolean accepts(WebSocketFrame frame) {
        return frame instanceof BinaryWebSocketFrame;
    }

    @Override
    void decode(ChannelHandlerContext ctx, WebSocketFrame frame) {
        ByteBuf content = frame.content();
        int size = content.readableBytes();
        int length = size < Frames.HEADER_BYTES ? -1 : content.getUnsignedShort(content.readerIndex());
        if (length != size) {
            int type = size < Frames.HEADER_BYTES ? 0 : content.getUnsignedShort(content.readerIndex() + 2);
            frame.release();
            throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, length < 0
                    ? "a message of " + size + " bytes holds no whole frame header"
                    : "a message must carry exactly one frame: " + size + " bytes with a frame of length " + length, type);
        }
        ctx.fireChannelRead(content); // the frame decoder owns it now
    }

    @Override
    WebSocketFrame encode(ChannelHandlerContext ctx, ByteBuf frame) {
        return new BinaryWebSocketFrame(frame);
    }

    @Override
    Subprotocol subprotocol() {
        return Subprotocol.BINARY;
    }
}
