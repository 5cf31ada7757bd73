package dev.parley.transport;

import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The listening channel's handler for failed accepts (typically "Too many open files"): counts
 * each, logs at most one line every ten seconds with how many were left out, and pauses
 * accepting for a moment, so the failure does not repeat a hundred thousand times a second.
 * Runs on the accept loop.
 */
@ChannelHandler.Sharable
public final class AcceptErrors extends ChannelInboundHandlerAdapter {

    static final long PAUSE_MILLIS = 100;
    private static final LogLimiter log =
            new LogLimiter(LoggerFactory.getLogger(AcceptErrors.class), Duration.ofSeconds(10));

    private final ServerMetrics metrics;

    public AcceptErrors(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.acceptError();
        log.warn("cannot accept a connection on {}: {}", ctx.channel().localAddress(), cause.toString());
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
        // not passed on: Netty's acceptor would log it again, with a stack trace, every time
    }
}
