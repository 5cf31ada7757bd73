package dev.parley.websocket;

import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of the WebSocket listener, before any upgrade: lets a WebSocket upgrade on
 * {@value WebSocketChannelInitializer#PATH} through to the handshake only when its origin is
 * allowed (else HTTP 403) and it offers a Parley subprotocol (else HTTP 400), and serves the
 * browser page's files for everything else (404 when there is none). A connection that has
 * not upgraded within the upgrade timeout is closed, so idle HTTP connections cannot pile up.
 * Removed from the pipeline once the handshake completes. One per connection; runs on its
 * event loop.
 */
final class HttpGate extends ChannelDuplexHandler {

    private static final LogLimiter refusalLog =
            new LogLimiter(LoggerFactory.getLogger(HttpGate.class), Duration.ofSeconds(10));
    /** Modest: browsers revalidate each load (a cheap 304), so a new server version shows at once. */
    static final String CACHE_CONTROL = "no-cache";

    private final OriginPolicy origins;
    private final StaticFiles files;
    private final ServerMetrics metrics;
    private final Duration upgradeTimeout;
    private ScheduledFuture<?> timeout;

    HttpGate(OriginPolicy origins, StaticFiles files, ServerMetrics metrics, Duration upgradeTimeout) {
        this.origins = origins;
        this.files = files;
        this.metrics = metrics;
        this.upgradeTimeout = upgradeTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            ctx.close();
        }, upgradeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timeout.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg); // the aggregator passes whole requests only
            return;
        }
        try {
            read(ctx, request);
        } finally {
            request.release();
        }
    }

    /**
     * A Parley frame written to a connection that has not upgraded (the drain's GoingAwayNotify
     * goes to every connection) has no one to read it: dropped, not handed to the HTTP encoder.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof io.netty.buffer.ByteBuf) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    private void read(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), false);
            return;
        }
        String path = pathOf(request.uri());
        if (path.equals(WebSocketChannelInitializer.PATH)) {
            upgrade(ctx, request);
        } else {
            serveFile(ctx, request, path);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST))) {
            metrics.connectionRefused(ServerMetrics.REFUSED_WS_ORIGIN);
            refusalLog.info("refused a WebSocket upgrade from {}: origin {} is not allowed", ctx.channel().remoteAddress(),
                    origin);
            respond(ctx, request, text(HttpResponseStatus.FORBIDDEN, "origin " + origin
                    + " may not open a WebSocket here (the server's --ws-allowed-origins)"), false);
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, WebSocketChannelInitializer.PATH
                    + " takes WebSocket upgrades only"), false);
            return;
        }
        if (!Subprotocol.offered(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL))) {
            metrics.connectionRefused(ServerMetrics.REFUSED_WS_SUBPROTOCOL);
            refusalLog.info("refused a WebSocket upgrade from {}: subprotocols offered: {}", ctx.channel().remoteAddress(),
                    request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Protocol must offer "
                    + Subprotocol.BINARY.wireName() + " or " + Subprotocol.JSON.wireName()), false);
            return;
        }
        ctx.fireChannelRead(request.retain()); // to the handshake
    }

    private void serveFile(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!head && !request.method().equals(HttpMethod.GET)) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD only");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, request, r, true);
            return;
        }
        Optional<StaticFiles.File> found = files.find(path);
        if (found.isEmpty()) {
            respond(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found"), true);
            return;
        }
        StaticFiles.File file = found.get();
        FullHttpResponse r;
        if (file.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        } else {
            ByteBuf body = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.bytes());
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
            HttpUtil.setContentLength(r, file.bytes().length);
        }
        r.headers().set(HttpHeaderNames.ETAG, file.etag())
                .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL)
                .set("X-Content-Type-Options", "nosniff");
        respond(ctx, request, r, true);
    }

    /** The path of a request target, without query or fragment. */
    static String pathOf(String uri) {
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return uri.substring(0, end);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        return r;
    }

    /** Sends {@code response}; the connection stays open only when it may and the client wants it. */
    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                                boolean mayKeepAlive) {
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // before the upgrade nothing is worth telling: a broken HTTP client is closed
    }
}
