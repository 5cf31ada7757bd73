package dev.parley.transport;

import dev.parley.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts socket reads and bytes in, first in every pipeline. One instance serves all channels. */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelInboundHandlerAdapter {

    private final ServerMetrics metrics;

    public TrafficCounter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            metrics.socketRead(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
