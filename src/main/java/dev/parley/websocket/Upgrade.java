package dev.parley.websocket;

import dev.parley.protocol.FrameDecoder;
import dev.parley.session.Sessions;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Turns the connection into a Parley session once the WebSocket handshake completes: the HTTP
 * gate leaves, the chosen subprotocol's codec takes this handler's place and the session
 * handler follows it, exactly as on TCP from there on. The session then starts (its login
 * deadline, its count in the metrics), as a TCP session starts on connect. One per
 * connection; its event loop.
 */
final class Upgrade extends ChannelInboundHandlerAdapter {

    private final Sessions sessions;
    private final int maxFrameBytes;

    Upgrade(Sessions sessions, int maxFrameBytes) {
        this.sessions = sessions;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        p.remove(HttpGate.class);
        // the gate let only upgrades offering one of ours through, so the handshake chose one
        Subprotocol protocol = Subprotocol.of(done.selectedSubprotocol());
        MessageCodec codec = protocol == Subprotocol.JSON ? new JsonCodec(maxFrameBytes) : new BinaryCodec();
        // before Netty's protocol handler, which would close at once on a broken frame
        p.addBefore(p.context(WebSocketServerProtocolHandler.class).name(), "ws-errors", new DecoderErrors());
        p.replace(this, "ws-messages", codec);
        String last = "ws-messages";
        if (protocol == Subprotocol.BINARY) {
            p.addAfter(last, "frames", new FrameDecoder(FrameDecoder.Side.SERVER, maxFrameBytes));
            last = "frames";
        }
        p.addAfter(last, "session", sessions.newHandler());
        p.context(codec).fireChannelActive(); // the session starts now, not at the TCP connect
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            request.release(); // cannot happen: the gate passes on upgrades only, and the handshake takes them
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
