package dev.parley.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * Sits between Netty's WebSocket frame decoder and its protocol handler, which closes the
 * connection at once on any exception: a broken or oversized WebSocket frame is passed on as a
 * {@link MessageCodec.BrokenMessage} event instead, so the session answers it like any
 * violation (ErrorNotify with the reason, then the close frame). One per connection; its event
 * loop.
 */
final class DecoderErrors extends ChannelInboundHandlerAdapter {

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            ctx.fireUserEventTriggered(new MessageCodec.BrokenMessage(corrupted));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
