package dev.parley.socket;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.util.Locale;

/**
 * The socket transport: epoll where the kernel allows it, else io_uring, else Java NIO.
 * {@link #pick(Transport)} chooses at start; a forced choice that is unavailable fails with
 * the reason the native library gave.
 *
 * <p>Epoll comes first because it is the one that passes every figure in docs/PERFORMANCE.md:
 * at the original profile the two cost the same CPU, but at 19,000 connections under chat
 * io_uring fell behind by two orders of magnitude and lost most deliveries, while epoll lost none.
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    private static final int COMPLETION_QUEUE = 65_536;

    /** The order {@link #pick} tries when nothing is forced; see the class comment for why. */
    private static final Transport[] PREFERENCE = {EPOLL, IO_URING, NIO};

    /** The CLI spelling: {@code io_uring}, {@code epoll}, {@code nio}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Transport parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Transport t : values()) {
            if (t.cliName().equals(v) || (t == IO_URING && v.equals("iouring"))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + s + "'; expected io_uring, epoll or nio");
    }

    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport cannot be used here, or null when it can. */
    public String unavailabilityReason() {
        Throwable cause = switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
        return cause == null ? null : String.valueOf(cause.getMessage());
    }

    /** {@code forced} if given (failing if unavailable), else the best available. */
    public static Transport pick(Transport forced) {
        if (forced != null) {
            if (!forced.isAvailable()) {
                throw new IllegalStateException("transport " + forced.cliName() + " is not available here: "
                        + forced.unavailabilityReason());
            }
            return forced;
        }
        for (Transport t : PREFERENCE) {
            if (t.isAvailable()) {
                return t;
            }
        }
        return NIO;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            // Every connection keeps a read (and often a write) in flight; with thousands of them
            // per loop the default completion queue (twice the 4096-entry ring) overflowed under
            // load. A larger queue costs 16 bytes an entry.
            case IO_URING -> IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(4096).setCqSize(COMPLETION_QUEUE));
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> channelClass() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
