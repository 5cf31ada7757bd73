package dev.parley.protocol;

import dev.parley.protocol.pb.PingRequest;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the protocol's heartbeat: a server closes a connection that sends nothing
 * for its idle timeout, so after {@code interval} without a write this sends a
 * {@code PingRequest} (the {@code PongResponse} reaches the rest of the pipeline like any
 * message). Stateless and sharable; runs on the connection's event loop.
 */
@ChannelHandler.Sharable
public final class Heartbeat extends ChannelDuplexHandler {

    /** A third of the server's default idle timeout (45 s), as docs/protocol.md asks. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

    private static final Heartbeat INSTANCE = new Heartbeat();

    private Heartbeat() {
    }

    /** Adds the heartbeat at the front of {@code pipeline}; a zero interval adds nothing. */
    public static void install(ChannelPipeline pipeline, Duration interval) {
        if (!interval.isZero()) {
            pipeline.addFirst(idleHandler(interval), INSTANCE);
        }
    }

    /**
     * Adds the heartbeat at the end of {@code pipeline}, behind framing stages (WebSocket) that
     * its pings must pass through; a zero interval adds nothing.
     */
    public static void installLast(ChannelPipeline pipeline, Duration interval) {
        if (!interval.isZero()) {
            pipeline.addLast(idleHandler(interval), INSTANCE);
        }
    }

    private static IdleStateHandler idleHandler(Duration interval) {
        return new IdleStateHandler(0, interval.toMillis(), 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e && e.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), PingRequest.getDefaultInstance()), ctx.voidPromise());
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }
}
