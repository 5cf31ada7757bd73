package dev.parley.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.URI;
import java.time.Duration;

/**
 * A load client's WebSocket framing ({@code --protocol ws}): Netty's HTTP codec and WebSocket
 * client handshake ({@code parley.v1}) in front of the same receive path as TCP. Each binary
 * message is one Parley frame, passed on as its bytes; each frame written goes out as one
 * binary message, wrapped, not copied. {@link #handshake()} completes once requests may be
 * sent. One per connection; its event loop.
 */
final class WebSocketLink extends ChannelDuplexHandler {

    static final String SUBPROTOCOL = "parley.v1";
    static final String PATH = "/ws";
    /** The server's frames are at most 64 KiB, one per message. */
    private static final int MAX_MESSAGE = 65_536;

    private Promise<Void> handshake;

    private WebSocketLink() {
    }

    /** Adds the HTTP and WebSocket stages to an empty pipeline; the receive path goes after them. */
    static WebSocketLink install(ChannelPipeline p, String host, int port, Duration handshakeTimeout) {
        WebSocketLink link = new WebSocketLink();
        p.addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(URI.create("ws://" + host + ":" + port + PATH))
                        .subprotocol(SUBPROTOCOL)
                        .maxFramePayloadLength(MAX_MESSAGE)
                        .generateOriginHeader(false) // not a browser
                        .handshakeTimeoutMillis(handshakeTimeout.toMillis())
                        .dropPongFrames(true)
                        .build()),
                link);
        return link;
    }

    /** Completes when the upgrade is done, or fails (refused, timed out, closed). */
    Future<Void> handshake() {
        return handshake;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshake = ctx.executor().newPromise();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            handshake.trySuccess(null);
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            handshake.tryFailure(new IllegalStateException("WebSocket handshake timed out"));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg instanceof BinaryWebSocketFrame frame ? frame.content() : msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg instanceof ByteBuf frame ? new BinaryWebSocketFrame(frame) : msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        handshake.tryFailure(cause);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshake.tryFailure(new IllegalStateException("connection closed during the WebSocket handshake"));
        ctx.fireChannelInactive();
    }
}
