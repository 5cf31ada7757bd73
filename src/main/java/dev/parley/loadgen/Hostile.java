package dev.parley.loadgen;

import dev.parley.socket.Transport;
import dev.parley.client.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hostile extras that run beside the measured workload ({@code --flooders},
 * {@code --silent-connections}): opens them when a phase starts, keeps flooders coming back
 * when the server closes them (as an attacker would), and closes everything at the end of the
 * phase, then reports what the server did to them. The connections live on an event loop of
 * their own, so a flood does not queue behind, or ahead of, the measured clients' work in this
 * process. {@link #start} and {@link #stop} are called by the thread running the phase.
 */
final class Hostile implements AutoCloseable {

    private static final int CONNECTS_IN_FLIGHT = 512;
    private static final long RECONNECT_MILLIS = 100;
    /** The frame length field has 16 bits. */
    private static final int MAX_FRAME = 0xFFFF;

    private final LoadgenConfig cfg;
    private final EventLoopGroup group;
    private final Bootstrap boot;
    /** Null for plain TCP. */
    private final ClientTls tls;
    private final InetSocketAddress remote;
    private final HostileStats flooderStats = new HostileStats();
    private final HostileStats silentStats = new HostileStats();
    private final Map<Channel, HostileConnection> open = new ConcurrentHashMap<>();
    private final AtomicLong probeLoginMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong nextSource = new AtomicLong();
    private volatile boolean stopped;
    private Thread opener;
    private HostileReport report;

    Hostile(LoadgenConfig cfg, Transport transport, ClientTls tls) {
        this.cfg = cfg;
        this.tls = tls;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("loadgen-hostile", true),
                transport.ioHandlerFactory());
        this.boot = new Bootstrap().group(group).channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        this.remote = new InetSocketAddress(cfg.host, cfg.port);
        nextSource.set(cfg.clients); // continue the measured clients' round-robin over source addresses
    }

    /** Opens the flooders, then the silent connections, then one probe login; returns at once. */
    void start() {
        if (opener != null) {
            return;
        }
        opener = new Thread(() -> {
            for (int i = 0; i < cfg.flooders && !stopped; i++) {
                connectFlooder(i);
            }
            Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
            for (int i = 0; i < cfg.silentConnections && !stopped; i++) {
                inFlight.acquireUninterruptibly();
                HostileConnection.Role role = i % 2 == 0 ? HostileConnection.Role.SILENT
                        : HostileConnection.Role.HALF_HEADER;
                connect(new HostileConnection(role, null, null, null, true, silentStats, null), silentStats)
                        .addListener(f -> inFlight.release());
            }
            if (cfg.silentConnections > 0 && !stopped) {
                // a real player logging in while the silent connections are all open
                connect(new HostileConnection(HostileConnection.Role.PROBE, cfg.playerName(0) + "p", cfg.password,
                        null, true, new HostileStats(), probeLoginMillis::set).started(), null).addListener(f -> {
                            if (!f.isSuccess()) {
                                probeLoginMillis.set(-1);
                            }
                        });
            }
        }, "loadgen-hostile-open");
        opener.setDaemon(true);
        opener.start();
    }

    private void connectFlooder(int i) {
        String room = "lg-" + cfg.runId + "-flood-" + i + "-" + flooderStats.connections.get();
        HostileConnection c = new HostileConnection(HostileConnection.Role.FLOODER, cfg.flooderName(i), cfg.password,
                room, cfg.flooderReads, flooderStats, null);
        connect(c, flooderStats).channel().closeFuture().addListener(f -> {
            if (!c.closing && !stopped) {
                group.schedule(() -> {
                    if (!stopped) {
                        connectFlooder(i);
                    }
                }, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private ChannelFuture connect(HostileConnection c, HostileStats stats) {
        Bootstrap b = boot.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), cfg.host, cfg.port));
                }
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 2, -2, 0), c);
            }
        });
        ChannelFuture f = cfg.sourceAddresses.isEmpty() ? b.connect(remote) : b.connect(remote, new InetSocketAddress(
                cfg.sourceAddresses.get((int) (nextSource.getAndIncrement() % cfg.sourceAddresses.size())), 0));
        open.put(f.channel(), c);
        f.channel().closeFuture().addListener(x -> open.remove(f.channel()));
        f.addListener(x -> {
            if (stats != null) {
                (x.isSuccess() ? stats.connections : stats.connectFailures).incrementAndGet();
            }
        });
        return f;
    }

    /** Closes every hostile connection and returns what happened to them; idempotent. */
    HostileReport stop() throws InterruptedException {
        if (report != null) {
            return report;
        }
        stopped = true;
        if (opener != null) {
            opener.join(TimeUnit.SECONDS.toMillis(30));
        }
        long flooders = 0;
        long silent = 0;
        List<ChannelFuture> closes = new ArrayList<>();
        for (Map.Entry<Channel, HostileConnection> e : open.entrySet()) {
            e.getValue().closing = true;
            if (e.getKey().isActive()) {
                if (e.getValue().isFlooder()) {
                    flooders++;
                } else {
                    silent++;
                }
            }
            closes.add(e.getKey().close());
        }
        for (ChannelFuture f : closes) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        long probe = probeLoginMillis.get();
        report = new HostileReport(cfg.flooders == 0 ? null : flooderStats.report(cfg.flooders, flooders),
                cfg.flooders == 0 ? null : cfg.flooderReads,
                cfg.silentConnections == 0 ? null : silentStats.report(cfg.silentConnections, silent),
                probe == Long.MIN_VALUE ? null : probe);
        return report;
    }

    @Override
    public void close() {
        stopped = true;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /**
     * What the server did to the hostile extras.
     *
     * @param flooders         null without flooders
     * @param flooderReads     whether the flooders read
     * @param silent           null without silent connections
     * @param probeLoginMs     how long a real login took while the silent connections were open
     *                         (connect included); -1 when it failed; null when none was tried
     */
    record HostileReport(HostileStats.Report flooders, Boolean flooderReads, HostileStats.Report silent,
                         Long probeLoginMs) {
    }
}
