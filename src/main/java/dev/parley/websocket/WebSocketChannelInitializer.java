package dev.parley.websocket;

import dev.parley.metrics.ServerMetrics;
import dev.parley.session.Sessions;
import dev.parley.tls.ServerTls;
import dev.parley.transport.ConnectionLimits;
import dev.parley.transport.TrafficCounter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Builds each accepted WebSocket-listener connection's pipeline, once {@link ConnectionLimits}
 * admit it (a refusal is an HTTP 503 here, since the client speaks HTTP): traffic counter, HTTP
 * codec, a small request aggregator, the {@link HttpGate} (origin, subprotocol, static files),
 * the WebSocket handshake and a message aggregator bounded by the size limit, then the
 * {@link Upgrade}, which installs the subprotocol's codec and the session handler. WebSocket
 * pings are answered by Netty and are not activity: the idle rule counts Parley requests only
 * (a browser cannot even send a ping). Runs on the new channel's event loop.
 */
public final class WebSocketChannelInitializer extends ChannelInitializer<Channel> {

    /** The WebSocket endpoint. */
    public static final String PATH = "/ws";
    /** The largest HTTP request (headers aside) before the upgrade: requests carry no body here. */
    static final int MAX_HTTP_CONTENT = 8 * 1024;
    /**
     * How much longer than a frame a JSON message may be: JSON spells bytes out (field names,
     * quotes, escapes up to six characters per byte). The decoded message must still fit a frame.
     */
    static final int JSON_EXPANSION = 6;

    private final Sessions sessions;
    private final ServerMetrics metrics;
    private final TrafficCounter traffic;
    private final int maxFrameBytes;
    private final ChannelGroup channels;
    private final ConnectionLimits limits;
    private final OriginPolicy origins;
    private final StaticFiles files = new StaticFiles(WebSocketChannelInitializer.class.getClassLoader());
    private final Duration upgradeTimeout;
    private final ServerTls tls;

    /**
     * @param channels       every connection joins it, so shutdown can close them all
     * @param upgradeTimeout a connection that has not upgraded within this is closed
     * @param tls            the TLS stage of each connection (wss://), or off
     */
    public WebSocketChannelInitializer(Sessions sessions, ServerMetrics metrics, int maxFrameBytes, ChannelGroup channels,
                                       ConnectionLimits limits, OriginPolicy origins, Duration upgradeTimeout,
                                       ServerTls tls) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.traffic = new TrafficCounter(metrics);
        this.maxFrameBytes = maxFrameBytes;
        this.channels = channels;
        this.limits = limits;
        this.origins = origins;
        this.upgradeTimeout = upgradeTimeout;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!limits.admit(ch, WebSocketChannelInitializer::refuse)) {
            return;
        }
        channels.add(ch);
        int maxMessage = maxFrameBytes * JSON_EXPANSION;
        ChannelPipeline p = ch.pipeline();
        p.addLast("traffic", traffic);
        tls.addTo(p); // before the HTTP codec, so everything after it sees plain bytes
        p.addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_CONTENT))
                .addLast("gate", new HttpGate(origins, files, metrics, upgradeTimeout))
                .addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(PATH)
                        .checkStartsWith(true) // "/ws?…": the gate has checked the path already
                        .subprotocols(Subprotocol.all())
                        .handleCloseFrames(false) // the codec answers them, and sends the server's
                        .dropPongFrames(true)
                        .handshakeTimeoutMillis(upgradeTimeout.toMillis())
                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                .maxFramePayloadLength(maxMessage)
                                .closeOnProtocolViolation(false) // the session answers with ErrorNotify first
                                .build())
                        .build()))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage))
                .addLast("upgrade", new Upgrade(sessions, maxFrameBytes));
    }

    /** A connection over a limit: the client speaks HTTP, so it gets a 503 with the reason. */
    private static void refuse(Channel ch, String reason) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        ch.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
