package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.Heartbeat;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client connection to a Parley server, in plain TCP or in TLS ({@link ClientTls}; connected
 * means the handshake is done): sends requests, hands every server message to a
 * {@link Listener} on the connection's event loop. The transport under {@link ParleyClient};
 * tests use it directly to speak the raw protocol.
 */
public final class ParleyConnection implements AutoCloseable {

    /** Receives what the server sends, on the connection's event loop. */
    public interface Listener {
        void onMessage(MessageLite message);

        /** The connection closed; {@code cause} is the error that closed it, or null. */
        default void onClosed(Throwable cause) {
        }
    }

    private final Channel channel;
    private final EventLoopGroup ownedGroup;

    private ParleyConnection(Channel channel, EventLoopGroup ownedGroup) {
        this.channel = channel;
        this.ownedGroup = ownedGroup;
    }

    /** Connects with an event loop of its own, released by {@link #close()}. */
    public static ParleyConnection connect(String host, int port, Listener listener) throws IOException {
        return connect(host, port, null, listener);
    }

    /** Connects with an event loop of its own, released by {@link #close()}; {@code tls} null = plain TCP. */
    public static ParleyConnection connect(String host, int port, ClientTls tls, Listener listener) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-client", true),
                NioIoHandler.newFactory());
        try {
            return connect(group, host, port, tls, listener, group);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects on a shared event loop group, which the caller keeps and shuts down. */
    public static ParleyConnection connect(EventLoopGroup group, String host, int port, Listener listener)
            throws IOException {
        return connect(group, host, port, null, listener, null);
    }

    private static ParleyConnection connect(EventLoopGroup group, String host, int port, ClientTls tls,
                                            Listener listener, EventLoopGroup owned) throws IOException {
        try {
            return connectAsync(group, host, port, listener, Duration.ZERO, tls).join().withOwnedGroup(owned);
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause().getCause());
        }
    }

    private ParleyConnection withOwnedGroup(EventLoopGroup owned) {
        return owned == null ? this : new ParleyConnection(channel, owned);
    }

    /**
     * Connects without blocking on {@code group}, which the caller keeps; the future completes on
     * the connection's event loop, failing with a {@link CannotConnectException}.
     */
    static CompletableFuture<ParleyConnection> connectAsync(EventLoopGroup group, String host, int port,
                                                            Listener listener, Duration heartbeat, ClientTls tls) {
        CompletableFuture<ParleyConnection> result = new CompletableFuture<>();
        bootstrap(group, host, port, listener, heartbeat, tls).connect(new InetSocketAddress(host, port))
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new CannotConnectException(host, port, f.cause()));
                    } else if (tls == null) {
                        result.complete(new ParleyConnection(f.channel(), null));
                    } else {
                        f.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                            if (h.isSuccess()) {
                                result.complete(new ParleyConnection(f.channel(), null));
                            } else {
                                f.channel().close();
                                result.completeExceptionally(new CannotConnectException(host, port,
                                        handshakeFailure(h.cause())));
                            }
                        });
                    }
                });
        return result;
    }

    /**
     * The reason a handshake failed, with what to do about the two common ones: a server that
     * does not speak TLS, and a certificate this client does not trust.
     */
    private static Throwable handshakeFailure(Throwable cause) {
        Throwable root = cause;
        boolean untrusted = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            untrusted |= t instanceof java.security.cert.CertificateException;
            root = t;
        }
        String reason;
        if (cause instanceof NotSslRecordException) {
            reason = "the server did not answer in TLS: is this a plaintext port? (connect without --tls)";
        } else if (untrusted) {
            reason = "the server's certificate is not trusted: " + root.getMessage()
                    + " (trust its CA, or the certificate itself, with --tls-ca FILE)";
        } else {
            reason = String.valueOf(root.getMessage());
        }
        return new IOException("TLS handshake failed: " + reason, cause);
    }

    /**
     * @param heartbeat ping after this long without sending; zero = never (raw test connections)
     * @param tls       null = plain TCP
     */
    private static Bootstrap bootstrap(EventLoopGroup group, String host, int port, Listener listener,
                                       Duration heartbeat, ClientTls tls) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
                        }
                        Heartbeat.install(ch.pipeline(), heartbeat);
                        ch.pipeline()
                                .addLast(new FrameDecoder(FrameDecoder.Side.CLIENT, Frames.MAX_FRAME_LENGTH))
                                .addLast(new Dispatcher(listener));
                    }
                });
    }


    /** Sends one request; safe from any thread. */
    public void send(MessageLite message) {
        channel.writeAndFlush(Frames.encode(channel.alloc(), message), channel.voidPromise());
    }

    /** Writes raw bytes, bypassing the encoder (for protocol tests). */
    public void sendRaw(byte[] bytes) {
        channel.writeAndFlush(channel.alloc().buffer(bytes.length).writeBytes(bytes), channel.voidPromise());
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public Channel channel() {
        return channel;
    }

    /** Starts closing without waiting; safe on the event loop, where {@link #close()} must not be called. */
    void closeAsync() {
        channel.close();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static final class Dispatcher extends ChannelInboundHandlerAdapter {
        private final Listener listener;
        private Throwable cause;

        Dispatcher(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            listener.onMessage((MessageLite) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            this.cause = cause;
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            listener.onClosed(cause);
        }
    }
}
