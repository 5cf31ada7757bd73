package dev.parley.server;

import dev.parley.history.HistoryService;
import dev.parley.account.LoginService;
import dev.parley.room.PermanentRooms;
import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.room.RoomService;
import dev.parley.admin.AdminServer;
import dev.parley.metrics.ServerMetrics;
import dev.parley.metrics.StatsReporter;
import dev.parley.transport.ClientChannelInitializer;
import dev.parley.account.Presence;
import dev.parley.cluster.LocalPresence;
import dev.parley.room.RoomContext;
import dev.parley.room.RoomDirectory;
import dev.parley.session.LoginFlow;
import dev.parley.session.SessionPolicies;
import dev.parley.session.Sessions;
import java.time.Duration;
import dev.parley.socket.Transport;
import dev.parley.store.AccountStore;
import dev.parley.chatlog.BatchedChatLog;
import dev.parley.chatlog.ChatLog;
import dev.parley.chatlog.ChatLogSettings;
import dev.parley.store.Database;
import dev.parley.store.MessageStore;
import dev.parley.account.PasswordHasher;
import dev.parley.store.RoomIdAllocator;
import dev.parley.store.RoomStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Parley server: the composition root that wires storage, services and Netty, and
 * the owner of their shutdown order (stop accepting, close sessions, let the rooms finish on
 * their event loops, drain blocking work, store or spill the chat log, close the database).
 */
public final class ParleyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

    private final ServerConfig config;
    private final Transport transport;
    private final Database database;
    private final PrometheusMeterRegistry meterRegistry;
    private final ServerMetrics metrics;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final ThreadPoolExecutor blocking;
    private final ChatLog chatLog;
    private final ChannelGroup channels = new DefaultChannelGroup("parley-sessions", GlobalEventExecutor.INSTANCE);
    private final RoomService rooms;
    private final Presence presence = new LocalPresence();
    private final Channel serverChannel;
    private final StatsReporter stats;
    private final JvmGcMetrics jvmGc;
    private final AdminServer admin;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private ParleyServer(ServerConfig config) throws IOException, InterruptedException {
        config.validate();
        this.config = config;
        Files.createDirectories(config.dataDir);
        transport = Transport.pick(config.transport);
        String url = config.dbUrl != null ? config.dbUrl : Database.embeddedUrl(config.dataDir);
        database = Database.open(url, config.dbUser, config.dbPassword, config.dbPoolSize);
        boolean started = false;
        meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ServerMetrics(meterRegistry);
        // JVM meters: heap and direct buffers, GC pauses, threads, process CPU (for the
        // per-connection memory and CPU-per-delivery figures, and for operators)
        new JvmMemoryMetrics().bindTo(meterRegistry);
        jvmGc = new JvmGcMetrics();
        jvmGc.bindTo(meterRegistry);
        new JvmThreadMetrics().bindTo(meterRegistry);
        new ProcessorMetrics().bindTo(meterRegistry);
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-accept"), transport.ioHandlerFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(config.effectiveIoThreads(), new DefaultThreadFactory("parley-io"),
                transport.ioHandlerFactory());
        blocking = new ThreadPoolExecutor(config.blockingThreads, config.blockingThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.loginQueue), new DefaultThreadFactory("parley-blocking"));
        try {
            MessageStore messageStore = new MessageStore(database);
            chatLog = openChatLog(config, messageStore, meterRegistry);
            RoomStore roomStore = new RoomStore(database);
            RoomDirectory directory = new LocalRoomDirectory(
                    new RoomIdAllocator(roomStore, blocking, RoomIdAllocator.DEFAULT_BLOCK));
            HistoryService history = new HistoryService(chatLog, messageStore::range, blocking,
                    config.joinHistory, config.historyMax);
            RoomContext roomContext = new RoomContext(chatLog, history, directory, metrics);
            // Rooms run their job queues on the I/O event loops: room work never blocks, and a
            // member served by the same loop gets its delivery without a thread hop.
            rooms = new RoomService(roomContext, ioGroup,
                    new RoomService.Limits(config.roomMaxMembers, config.maxChatBytes, config.maxRooms));
            PermanentRooms.open(config.permanentRooms, roomStore, messageStore, roomContext, ioGroup,
                    config.roomMaxMembers);
            LoginService logins = new LoginService(new AccountStore(database),
                    new PasswordHasher(config.passwordIterations), config.autoRegister, blocking);
            Sessions sessions = new Sessions(new LoginFlow(logins, presence, metrics), rooms, metrics,
                    new SessionPolicies(config.rateLimit, Duration.ofMillis(config.slowReaderGraceMillis)));
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, ioGroup)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(config.slowReaderBytes / 2, config.slowReaderBytes))
                    .childHandler(new ClientChannelInitializer(sessions, metrics, config.maxFrameBytes, channels));
            serverChannel = bind(bootstrap, config);
            stats = new StatsReporter(metrics, ioGroup, config.statsIntervalMillis);
            admin = config.adminPort < 0 ? null : new AdminServer(config.adminHost, config.adminPort, meterRegistry,
                    () -> Map.of("connections", channels.size(), "rooms", rooms.directory().size(),
                            "transport", transport.cliName()));
            started = true;
        } catch (SQLException e) {
            throw new IOException("database: " + e.getMessage(), e);
        } finally {
            if (!started) {
                shutdownResources();
            }
        }
        log.info("Parley listening on {} (transport {}, {} I/O threads, data {})", address(), transport.cliName(),
                config.effectiveIoThreads(), config.dbUrl != null ? "external database" : config.dataDir.toAbsolutePath().normalize());
    }

    private static ChatLog openChatLog(ServerConfig config, MessageStore messageStore, PrometheusMeterRegistry registry)
            throws IOException {
        if (!config.chatLog) {
            return ChatLog.off();
        }
        return BatchedChatLog.open(new ChatLogSettings(config.dataDir, config.logFlushInterval, config.logSync, config.logQueue),
                messageStore::insert, registry);
    }

    private static Channel bind(ServerBootstrap bootstrap, ServerConfig config) throws IOException, InterruptedException {
        var future = bootstrap.bind(config.host, config.port).await();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + config.host + ":" + config.port + " (--host/--port): "
                    + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    /** Starts a server; returns once it accepts connections. */
    public static ParleyServer start(ServerConfig config) throws IOException, InterruptedException {
        return new ParleyServer(config);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public Transport transport() {
        return transport;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public ServerConfig config() {
        return config;
    }

    public RoomService rooms() {
        return rooms;
    }

    /** The admin HTTP address, or null when the admin port is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public StatsReporter stats() {
        return stats;
    }

    public Database database() {
        return database;
    }

    public ChatLog chatLog() {
        return chatLog;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Graceful shutdown; safe to call more than once and from a shutdown hook. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        log.info("Parley shutting down: closing {} connection(s)", channels.size());
        if (admin != null) {
            admin.markShuttingDown();
        }
        try {
            serverChannel.close().syncUninterruptibly();
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            shutdownResources();
            terminated.countDown();
            log.info("Parley stopped");
        }
    }

    /** Also used to undo a half-finished start, so every resource may still be null. */
    private void shutdownResources() {
        if (stats != null) {
            stats.close();
        }
        if (admin != null) {
            admin.close();
        }
        var boss = bossGroup == null ? null : bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var io = ioGroup == null ? null : ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (boss != null) {
            boss.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        if (io != null) {
            io.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        if (blocking != null) {
            blocking.shutdown();
            try {
                if (!blocking.awaitTermination(10, TimeUnit.SECONDS)) {
                    blocking.shutdownNow();
                }
            } catch (InterruptedException e) {
                blocking.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        // The rooms have stopped: nothing more is accepted, everything accepted gets stored or spilled.
        if (chatLog != null) {
            chatLog.close();
        }
        database.close();
        if (jvmGc != null) {
            jvmGc.close();
        }
        if (meterRegistry != null) {
            meterRegistry.close();
        }
    }
}
