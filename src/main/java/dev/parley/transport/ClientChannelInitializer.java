package dev.parley.transport;

import dev.parley.session.SessionHandler;

import dev.parley.account.LoginService;
import dev.parley.room.RoomService;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.FrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/** Builds each accepted connection's pipeline: frame decoder, then the session handler. */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    private final LoginService logins;
    private final RoomService rooms;
    private final ServerMetrics metrics;
    private final int maxFrameBytes;
    private final int rateLimit;
    private final long slowReaderGraceMillis;
    private final ChannelGroup channels;
    private final TrafficCounter traffic;

    public ClientChannelInitializer(LoginService logins, RoomService rooms, ServerMetrics metrics,
                             int maxFrameBytes, int rateLimit, long slowReaderGraceMillis, ChannelGroup channels) {
        this.slowReaderGraceMillis = slowReaderGraceMillis;
        this.traffic = new TrafficCounter(metrics);
        this.channels = channels;
        this.logins = logins;
        this.rooms = rooms;
        this.metrics = metrics;
        this.maxFrameBytes = maxFrameBytes;
        this.rateLimit = rateLimit;
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch); // so shutdown can close every session
        // Outbound needs no encoder: every write is an already encoded frame (Frames.encode),
        // so a broadcast is encoded once and shared by all recipients.
        ch.pipeline()
                .addLast("traffic", traffic)
                .addLast("frames", new FrameDecoder(FrameDecoder.Side.SERVER, maxFrameBytes))
                .addLast("session", new SessionHandler(logins, rooms, metrics, rateLimit, slowReaderGraceMillis));
    }
}
