package dev.parley.transport;

import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.FrameDecoder;
import dev.parley.session.Sessions;
import dev.parley.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * Builds each accepted TCP connection's pipeline, once {@link ConnectionLimits} admit it:
 * traffic counter (bytes as they come off the socket), TLS when it is on, frame decoder, then the
 * session handler. A new listener (TLS, WebSocket) is another initializer that puts its own
 * stages in front of the same session handler. Runs on the new channel's event loop.
 */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    private final Sessions sessions;
    private final int maxFrameBytes;
    private final ChannelGroup channels;
    private final ConnectionLimits limits;
    private final TrafficCounter traffic;
    private final ServerTls tls;

    /** @param channels every connection joins it, so shutdown can close them all */
    public ClientChannelInitializer(Sessions sessions, ServerMetrics metrics, int maxFrameBytes, ChannelGroup channels,
                                    ConnectionLimits limits, ServerTls tls) {
        this.sessions = sessions;
        this.traffic = new TrafficCounter(metrics);
        this.maxFrameBytes = maxFrameBytes;
        this.channels = channels;
        this.limits = limits;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!limits.admit(ch)) {
            return;
        }
        channels.add(ch);
        // Outbound needs no encoder: every write is an already encoded frame (Frames.encode),
        // so a broadcast is encoded once and shared by all recipients.
        ch.pipeline().addLast("traffic", traffic);
        tls.addTo(ch.pipeline());
        ch.pipeline()
                .addLast("frames", new FrameDecoder(FrameDecoder.Side.SERVER, maxFrameBytes))
                .addLast("session", sessions.newHandler());
    }
}
