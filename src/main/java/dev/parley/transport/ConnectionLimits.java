package dev.parley.transport;

import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Frames;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open client connections, in all and per remote address, so the process keeps file
 * descriptors for its database, admin port and logs, and one host cannot take every slot. A
 * connection over a cap is told why in its listener's framing (TCP: {@code ErrorNotify{SERVER_BUSY}};
 * WebSocket: HTTP 503, see {@link Refusal}) and closed before any other handler sees it; refusals are counted and logged at most every ten seconds. Shared by every
 * listener of a server; thread-safe (each accepted channel is admitted on its own event loop).
 */
public final class ConnectionLimits {

    private static final LogLimiter refusalLog =
            new LogLimiter(LoggerFactory.getLogger(ConnectionLimits.class), Duration.ofSeconds(10));

    private final int max;
    private final int maxPerAddress;
    private final ServerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** @param maxPerAddress 0 = no per-address limit */
    public ConnectionLimits(int max, int maxPerAddress, ServerMetrics metrics) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.metrics = metrics;
    }

    public int max() {
        return max;
    }

    /** How a listener tells a refused connection why, in its own framing, and closes it. */
    @FunctionalInterface
    public interface Refusal {
        void send(Channel ch, String reason);
    }

    /** Counts {@code ch} in, or refuses it with an {@code ErrorNotify} (the TCP framing) and closes it. */
    boolean admit(Channel ch) {
        return admit(ch, ConnectionLimits::errorNotify);
    }

    /** Counts {@code ch} in, or refuses it with {@code refusal}; false when refused. */
    public boolean admit(Channel ch, Refusal refusal) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refuse(ch, "max_connections", "the server holds its maximum of " + max + " connections", refusal);
            return false;
        }
        InetAddress address = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (maxPerAddress > 0 && address != null) {
            AtomicInteger n = perAddress.computeIfAbsent(address, k -> new AtomicInteger());
            if (n.incrementAndGet() > maxPerAddress) {
                release(address);
                open.decrementAndGet();
                refuse(ch, "per_address", "too many connections from " + address.getHostAddress()
                        + " (at most " + maxPerAddress + ")", refusal);
                return false;
            }
        }
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            if (maxPerAddress > 0 && address != null) {
                release(address);
            }
        });
        return true;
    }

    /** Open connections now. */
    public int open() {
        return open.get();
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private void refuse(Channel ch, String limit, String reason, Refusal refusal) {
        metrics.connectionRefused(limit);
        refusalLog.warn("refusing connections from {}: {}", ch.remoteAddress(), reason);
        refusal.send(ch, reason);
    }

    private static void errorNotify(Channel ch, String reason) {
        ch.writeAndFlush(Frames.encode(ch.alloc(), Replies.error(Result.SERVER_BUSY, reason, MsgType.MSG_TYPE_UNSPECIFIED)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
