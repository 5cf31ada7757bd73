package dev.parley.server;

import dev.parley.account.LoginService;
import dev.parley.account.LoginThrottle;
import dev.parley.account.PasswordHasher;
import dev.parley.account.Presence;
import dev.parley.account.SecretFile;
import dev.parley.account.SessionTokens;
import dev.parley.account.TokenLogins;
import dev.parley.account.TokenVerifier;
import dev.parley.admin.AdminServer;
import dev.parley.api.ApiKeys;
import dev.parley.api.ApiServer;
import dev.parley.api.Endpoints;
import dev.parley.chatlog.BatchedChatLog;
import dev.parley.chatlog.ChatLog;
import dev.parley.chatlog.ChatLogSettings;
import dev.parley.cluster.ClusterNode;
import dev.parley.cluster.LocalPresence;
import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.cluster.ClusterRoomDirectory;
import dev.parley.content.BlockedWords;
import dev.parley.direct.DirectService;
import dev.parley.history.HistoryService;
import dev.parley.metrics.ServerMetrics;
import dev.parley.metrics.StatsReporter;
import dev.parley.moderation.Bans;
import dev.parley.moderation.ModerationService;
import dev.parley.moderation.Mutes;
import dev.parley.moderation.Permissions;
import dev.parley.moderation.RoleGrants;
import dev.parley.room.PermanentRooms;
import dev.parley.room.RoomContext;
import dev.parley.room.RoomDirectory;
import dev.parley.room.RoomService;
import dev.parley.session.GoingAway;
import dev.parley.session.LoginFlow;
import dev.parley.session.SessionPolicies;
import dev.parley.session.Sessions;
import dev.parley.socket.Transport;
import dev.parley.store.AccountStore;
import dev.parley.store.AuditLog;
import dev.parley.store.Database;
import dev.parley.store.DatabaseBreaker;
import dev.parley.store.MessageStore;
import dev.parley.store.ModerationStore;
import dev.parley.store.RoomIdAllocator;
import dev.parley.store.RoomStore;
import dev.parley.tls.CertificateFiles;
import dev.parley.tls.SelfSignedCertificates;
import dev.parley.tls.ServerTls;
import dev.parley.transport.AcceptErrors;
import dev.parley.transport.ClientChannelInitializer;
import dev.parley.transport.ConnectionLimits;
import io.micrometer.core.instrument.FunctionCounter;
import dev.parley.websocket.OriginPolicy;
import dev.parley.websocket.WebSocketChannelInitializer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Parley server: the composition root that wires storage, services and Netty, and
 * the owner of their shutdown order (turn not ready and drain: tell every client it is going away
 * and serve it for {@link ServerConfig#drain()}; then stop accepting, close sessions, let the rooms
 * finish on their event loops, drain blocking work, store or spill the chat log, close the database).
 * {@link #start} runs on the caller's thread and, when it fails, releases whatever it had
 * created before it throws; {@link #close()} may be called from any thread, e.g. a shutdown hook.
 */
public final class ParleyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);
    /** The largest read of one connection, and how many reads it gets per event-loop turn. */
    static final int READ_CHUNK = 16 * 1024;
    static final int READS_PER_TURN = 2;
    /** Not ready once the chat log's queue is this full: new chat is refused when it is full. */
    private static final double READY_QUEUE_SHARE = 0.9;
    /**
     * Not ready while the spill file holds more than this: the database has been away for long
     * (about 2.5 million messages), and new players are better served elsewhere.
     */
    static final long SPILL_READY_LIMIT = 256L << 20;
    /**
     * How long a shutdown waits for the bans, mutes and roles still being stored; the blocking
     * pool's own stop waits 10 s after it, so a hung database cannot hold a shutdown for long.
     */
    static final Duration MODERATION_WRITES_WAIT = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final Transport transport;
    /** Everything the start created, released in reverse: see {@link #close()}. */
    private final StartedResources resources = new StartedResources();
    private final Database database;
    private final PrometheusMeterRegistry meterRegistry;
    private final ServerMetrics metrics;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final ThreadPoolExecutor blocking;
    private final ChatLog chatLog;
    private final ChannelGroup channels = new DefaultChannelGroup("parley-sessions", GlobalEventExecutor.INSTANCE);
    private final RoomService rooms;
    private final Presence presence;
    /** This server as a cluster node, or null on a single node. */
    private final ClusterNode cluster;
    private final Channel serverChannel;
    /** The WebSocket listener, or null when it is off. */
    private final Channel webSocketChannel;
    private final ConnectionLimits limits;
    private final ServerTls tls;
    private final StatsReporter stats;
    private final AdminServer admin;
    private final ApiServer api;
    private final GoingAway goingAway = new GoingAway();
    private final Drain drain = new Drain();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    /**
     * Creates the resources in the order their release must reverse: data directory lock, meters, database, chat
     * log, blocking threads, event loops, listener, stats, admin port. If any step fails,
     * what was created so far is released before the exception leaves.
     */
    private ParleyServer(ServerConfig config) throws IOException, InterruptedException {
        this.config = config;
        ServerConfig.Storage storage = config.storage();
        ServerConfig.Network network = config.network();
        boolean started = false;
        try {
            transport = Transport.pick(network.transport());
            Files.createDirectories(storage.dataDir());
            // first of all: a second server on this directory must not touch its files
            resources.add("data directory lock", DataDirLock.acquire(storage.dataDir()), ParleyServer::unlock);
            meterRegistry = resources.add("meter registry", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    PrometheusMeterRegistry::close);
            metrics = new ServerMetrics(meterRegistry);
            // JVM meters: heap and direct buffers, GC pauses, threads, process CPU (for the
            // per-connection memory and CPU-per-delivery figures, and for operators)
            new JvmMemoryMetrics().bindTo(meterRegistry);
            resources.add("GC meters", new JvmGcMetrics(), JvmGcMetrics::close).bindTo(meterRegistry);
            new JvmThreadMetrics().bindTo(meterRegistry);
            new ProcessorMetrics().bindTo(meterRegistry);
            String url = storage.external() ? storage.dbUrl() : Database.embeddedUrl(storage.dataDir());
            database = resources.add("database", openDatabase(url, storage, config.dbBreaker().loginTimeout()),
                    Database::close);
            // released after the sessions closed and before the database: the node leaves the cluster at once
            cluster = !config.cluster().enabled() ? null : resources.add("cluster", ClusterNode.start(
                    config.cluster().redisUri(), config.cluster().nodeId()), ClusterNode::close);
            presence = cluster == null ? new LocalPresence() : cluster.presence();
            DatabaseBreaker breaker = new DatabaseBreaker(config.dbBreaker().open());
            metrics.databaseBreaker(breaker::stateCode);
            breaker.breaker().getEventPublisher().onCallNotPermitted(e -> metrics.databaseBreakerRejected());
            // released after the blocking threads and event loops have stopped: nothing more is
            // accepted then, and everything accepted gets stored or spilled
            MessageStore messageStore = new MessageStore(database);
            chatLog = resources.add("chat log", openChatLog(config, database.id(), messageStore, meterRegistry),
                    ChatLog::close);
            int blockingThreads = config.blocking().effectiveThreads();
            blocking = resources.add("blocking threads", new ThreadPoolExecutor(blockingThreads, blockingThreads,
                    30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.blocking().loginQueue()),
                    new DefaultThreadFactory("parley-blocking")), ParleyServer::stopBlocking);
            // password hashing has threads and a queue of its own: a flood of logins cannot fill
            // the pool that history reads and room-id blocks use; PBKDF2 is CPU work, one per core
            int hashThreads = Runtime.getRuntime().availableProcessors();
            ThreadPoolExecutor hashing = resources.add("hashing threads", new ThreadPoolExecutor(hashThreads,
                    hashThreads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.logins().hashQueue()),
                    new DefaultThreadFactory("parley-login")), ParleyServer::stopBlocking);
            // direct messages and blocks are written by one thread of their own, in arrival order
            ThreadPoolExecutor directWriter = resources.add("direct-message writer", new ThreadPoolExecutor(1, 1,
                    30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(DirectService.DEFAULT_WRITE_QUEUE),
                    new DefaultThreadFactory("parley-direct")), ParleyServer::stopBlocking);
            bossGroup = resources.add("accept loop", new MultiThreadIoEventLoopGroup(1,
                    new DefaultThreadFactory("parley-accept"), transport.ioHandlerFactory()), ParleyServer::stopLoops);
            ioGroup = resources.add("I/O loops", new MultiThreadIoEventLoopGroup(network.effectiveIoThreads(),
                    new DefaultThreadFactory("parley-io"), transport.ioHandlerFactory()), ParleyServer::stopLoops);
            ServerConfig.Rooms roomConfig = config.rooms();
            ServerConfig.Connections connections = config.connections();
            RoomStore roomStore = new RoomStore(database);
            RoomIdAllocator roomIds = new RoomIdAllocator(roomStore, blocking, RoomIdAllocator.DEFAULT_BLOCK);
            RoomDirectory directory = cluster == null ? new LocalRoomDirectory(roomIds)
                    : new ClusterRoomDirectory(cluster.link(), cluster.lease(), roomIds);
            MessageStore interactiveReads = new MessageStore(database.interactive());
            HistoryService history = new HistoryService(chatLog, interactiveReads::range, blocking,
                    config.history().joinHistory(), config.history().historyMax(), breaker.breaker());
            RoomContext roomContext = new RoomContext(chatLog, history, directory, metrics,
                    roomConfig.dedupWindow(), System::currentTimeMillis, roomConfig.editWindow());
            if (directory instanceof ClusterRoomDirectory shared) {
                resources.add("cluster rooms", shared, ClusterRoomDirectory::close)
                        .start(roomContext, ioGroup, interactiveReads, blocking);
                cluster.lease().onFenced(shared::fenced);
                cluster.lease().onRegistered(shared::resyncAll);
                log.info("cluster node {} on {}", cluster.nodeId(), config.cluster().redisUri());
            }
            // Rooms run their job queues on the I/O event loops: room work never blocks, and a
            // member served by the same loop gets its delivery without a thread hop.
            BlockedWords blockedWords = blockedWords(config.content());
            FunctionCounter.builder("parley.content.blocked.words", blockedWords, BlockedWords::caught)
                    .description("Chat texts with a blocked word (--blocked-words-file), masked or refused")
                    .register(meterRegistry);
            rooms = new RoomService(roomContext, ioGroup,
                    new RoomService.Limits(roomConfig.roomMaxMembers(), roomConfig.maxChatBytes(), roomConfig.maxRooms(),
                            roomConfig.maxRoomsPerPlayer()),
                    blockedWords);
            PermanentRooms.open(roomConfig.permanentRooms(), roomStore, messageStore, roomContext, ioGroup,
                    roomConfig.roomMaxMembers());
            AccountStore accounts = new AccountStore(database.interactive());
            // token logins cost no PBKDF2: they queue with the other short database reads
            LoginService logins = new LoginService(accounts,
                    new PasswordHasher(config.accounts().passwordIterations()), config.accounts().autoRegister(), hashing,
                    new LoginThrottle(loginPolicy(config.logins()), System::nanoTime), breaker.breaker(),
                    tokenLogins(config.identity(), accounts, blocking));
            // direct messages follow the room rules: one --max-chat-bytes, word list, --edit-window and clock
            DirectService direct = new DirectService(DirectService.Stores.on(database),
                    DirectService.Stores.on(database.interactive()), presence, history,
                    new DirectService.Rules(roomConfig.maxChatBytes(), blockedWords, roomContext.editWindow(),
                            roomContext.clockMs()),
                    metrics, directWriter, blocking);
            AuditLog audit = new AuditLog(database, blocking, System::currentTimeMillis);
            // released before the blocking threads: bans and mutes answered just before a shutdown get stored
            ModerationService moderation = resources.add("moderation writes",
                    moderation(config.moderation(), accounts, audit, presence, blocking, blockedWords),
                    m -> m.awaitWrites(MODERATION_WRITES_WAIT));
            Sessions sessions = new Sessions(new LoginFlow(logins, presence, metrics, connections.duplicateLogin(), direct,
                    moderation),
                    rooms, direct, moderation, metrics, sessionPolicies(connections), goingAway);
            limits = new ConnectionLimits(connections.effectiveMaxConnections(), connections.maxPerAddress(), metrics);
            tls = resources.add("TLS", openTls(config, meterRegistry), ServerTls::close);
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, ioGroup)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(new AcceptErrors(metrics))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // the OS notices a peer that vanished (a dead network) even while nothing is sent
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    // fairness: one connection's input costs at most READS_PER_TURN x READ_CHUNK bytes per loop turn
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                            new AdaptiveRecvByteBufAllocator(64, 2048, READ_CHUNK).maxMessagesPerRead(READS_PER_TURN))
                    .childOption(ChannelOption.SO_SNDBUF, connections.sendBuffer() == 0 ? null : connections.sendBuffer())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(connections.slowReaderBytes() / 2, connections.slowReaderBytes()))
                    .childHandler(new ClientChannelInitializer(sessions, metrics, connections.maxFrameBytes(), channels,
                            limits, tls));
            serverChannel = resources.add("listener", bind(bootstrap, network.host(), network.port(), "host/port"),
                    ch -> ch.close().syncUninterruptibly());
            ServerConfig.WebSocket ws = config.webSocket();
            webSocketChannel = !ws.enabled() ? null : resources.add("WebSocket listener", bind(bootstrap.clone()
                    .childHandler(new WebSocketChannelInitializer(sessions, metrics, connections.maxFrameBytes(), channels,
                            limits, OriginPolicy.of(ws.allowedOrigins()), connections.loginTimeout(), tls)),
                    ws.host(), ws.port(), "ws-host/ws-port"), ch -> ch.close().syncUninterruptibly());
            stats = resources.add("stats", new StatsReporter(metrics, ioGroup, config.statsInterval()),
                    StatsReporter::close);
            api = serverApi(config, blockedWords, roomStore, messageStore, roomContext, audit, moderation);
            admin = !config.admin().enabled() ? null : resources.add("admin port",
                    new AdminServer(config.admin().host(), config.admin().port(), meterRegistry,
                            () -> Map.of("connections", channels.size(), "rooms", rooms.directory().size(),
                                    "transport", transport.cliName(), "tls", tls.describe()),
                            () -> readiness(breaker, database.interactive(), meterRegistry, config.chatLog(), cluster),
                            tls.enabled() ? tls.httpsConfigurator() : null,
                            api == null ? ApiServer.off() : api),
                    AdminServer::close);
            started = true;
        } catch (SQLException e) {
            throw new IOException("database: " + e.getMessage(), e);
        } finally {
            if (!started) {
                resources.close();
            }
        }
        log.info("Parley listening on {}{} (transport {}, {} I/O threads, TLS {}, data {})", address(),
                webSocketChannel == null ? "" : ", WebSocket on " + webSocketAddress(), transport.cliName(),
                network.effectiveIoThreads(), tls.describe(),
                storage.external() ? "external database" : storage.dataDir().toAbsolutePath().normalize());
    }

    /**
     * TLS from the configured files, or from the development pair under the data directory, or
     * off. A handshake may take as long as a login: the login timeout covers both.
     */
    private static ServerTls openTls(ServerConfig config, MeterRegistry registry) throws IOException {
        ServerConfig.Tls t = config.tls();
        if (!t.enabled()) {
            return ServerTls.off();
        }
        CertificateFiles files = t.selfSigned()
                ? SelfSignedCertificates.ensure(config.storage().dataDir(), Clock.systemUTC())
                : new CertificateFiles(t.cert(), t.key());
        return ServerTls.start(files, t.reloadInterval(), config.connections().loginTimeout(), registry);
    }

    private static BlockedWords blockedWords(ServerConfig.Content content) throws IOException {
        try {
            return BlockedWords.load(content.blockedWordsFile(), content.blockedWordsMode());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Moderation, with the bans and mutes in force loaded from the database (at start: it may
     * block); in a cluster shared with the other nodes (changes and blocked-words reloads).
     */
    private ModerationService moderation(ServerConfig.Moderation config, AccountStore accounts, AuditLog audit,
                                         Presence presence, Executor blocking, BlockedWords blockedWords)
            throws SQLException, IOException {
        ModerationStore store = new ModerationStore(database);
        Bans bans = new Bans(System::currentTimeMillis);
        Mutes mutes = new Mutes(System::currentTimeMillis);
        long now = System.currentTimeMillis();
        bans.load(store.activeBans(now));
        mutes.load(store.activeMutes(now));
        RoleGrants grants = new RoleGrants();
        grants.load(store.playerRoles());
        ModerationService service = new ModerationService(new Permissions(config.admins(), config.creatorModerates(),
                grants), grants, bans, mutes, rooms, presence, new ModerationService.Stores(store, accounts, audit),
                blocking, metrics);
        if (cluster != null) {
            service.onChange(cluster.shareModeration(bans, mutes, grants, store, blockedWords, blocking));
        }
        return service;
    }

    /** The server API (docs/api.md), or null when no --api-key-file is given. */
    private ApiServer serverApi(ServerConfig config, BlockedWords blockedWords, RoomStore roomStore,
                                MessageStore messageStore, RoomContext roomContext, AuditLog audit,
                                ModerationService moderation) throws IOException {
        if (!config.api().enabled()) {
            return null;
        }
        ApiKeys keys;
        try {
            keys = ApiKeys.load(config.api().keyFile());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        ServerConfig.Rooms r = config.rooms();
        Endpoints endpoints = new Endpoints(new Endpoints.Backend(rooms, presence, blockedWords,
                audit, roomStore,
                (name, max) -> PermanentRooms.openOne(name, roomStore, messageStore, roomContext, ioGroup, max, true),
                blocking, r.roomMaxMembers(), r.maxRooms(), moderation, metrics));
        return new ApiServer(keys, endpoints.routes(), meterRegistry);
    }

    /** The connection policies, as the session layer takes them. */
    private static SessionPolicies sessionPolicies(ServerConfig.Connections c) {
        return new SessionPolicies(c.rateLimit(), c.abuseGrace(), c.slowReaderGrace(), c.maxPendingBytes(),
                c.loginTimeout(), c.idleTimeout(), c.duplicateLogin());
    }

    /** Token logins as configured; the session key from its file or, by default, the database. */
    private static TokenLogins tokenLogins(ServerConfig.Identity identity, AccountStore accounts, Executor checks)
            throws IOException, SQLException {
        TokenVerifier backend = TokenVerifier.fromFiles(identity.tokenHmacSecretFile(), identity.tokenJwksFile(),
                identity.tokenIssuer(), identity.tokenAudience());
        byte[] key = identity.sessionKeyFile() != null
                ? SecretFile.read(identity.sessionKeyFile(), "session-key-file")
                : accounts.sessionKey().getBytes(StandardCharsets.UTF_8);
        return new TokenLogins(backend, new SessionTokens(key, identity.sessionTtl(), Clock.systemUTC()),
                identity.passwordLogin(), checks);
    }

    private static LoginThrottle.Policy loginPolicy(ServerConfig.Logins l) {
        return new LoginThrottle.Policy(l.failuresPerName(), l.failuresPerAddress(), l.failureWindow(), l.lockout(),
                l.lockoutMax(), l.inFlightPerAddress(), l.registrationsPerAddressPerHour());
    }

    /**
     * What keeps this server from taking players: the database unreachable (per the breaker, or
     * a cheap check while it is not closed), or the chat log so far behind that new chat is
     * about to be refused or its spill file has grown past {@link #SPILL_READY_LIMIT}, or (in a
     * cluster) Redis unreachable or the node's lease not held.
     */
    private static Map<String, String> readiness(DatabaseBreaker breaker, Database db, MeterRegistry registry,
                                                 ServerConfig.ChatLogSettings chatLog, ClusterNode cluster) {
        Map<String, String> problems = new LinkedHashMap<>();
        String clusterProblem = cluster == null ? null : cluster.readinessProblem();
        if (clusterProblem != null) {
            problems.put("cluster", clusterProblem);
        }
        if (!breaker.reachable(db)) {
            problems.put("database", "unreachable: logins and history reads get SERVER_BUSY");
        }
        Gauge queued = registry.find("parley.chatlog.queued").gauge();
        if (queued != null && queued.value() >= chatLog.queue() * READY_QUEUE_SHARE) {
            problems.put("chatlog", "queue " + (long) queued.value() + " of " + chatLog.queue() + ": new chat is about to be refused");
        }
        Gauge spill = registry.find("parley.chatlog.spill.pending").gauge();
        if (spill != null && spill.value() > SPILL_READY_LIMIT) {
            problems.put("chatlog", "spill file holds " + (long) spill.value() + " bytes not yet in the database (limit "
                    + SPILL_READY_LIMIT + ")");
        }
        return problems;
    }

    /** The chat log, its crash marker and spill file named after the database they belong to. */
    private static ChatLog openChatLog(ServerConfig config, String databaseId, MessageStore messageStore,
                                       PrometheusMeterRegistry registry) throws IOException {
        ServerConfig.ChatLogSettings log = config.chatLog();
        if (!log.enabled()) {
            return ChatLog.off();
        }
        return BatchedChatLog.open(new ChatLogSettings(config.storage().dataDir(), log.flushInterval(), log.sync(),
                log.queue()), databaseId, messageStore::insert, registry);
    }

    /** @param options the options that name this address, for the error message */
    private static Channel bind(ServerBootstrap bootstrap, String host, int port, String options)
            throws IOException, InterruptedException {
        var future = bootstrap.bind(host, port).await();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + options + "): "
                    + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    /** Opens the database; a failure (unreachable, refused, locked) becomes a one-line IOException. */
    private static Database openDatabase(String url, ServerConfig.Storage storage, Duration loginTimeout)
            throws IOException {
        try {
            return Database.open(url, storage.dbUser(), storage.dbPassword(), storage.dbPoolSize(), loginTimeout);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IOException("cannot open the database " + Database.redact(url) + ": "
                    + (root.getMessage() == null ? root.toString() : root.getMessage()), e);
        }
    }

    private static void unlock(DataDirLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("Releasing the data directory lock failed: {}", e.toString());
        }
    }

    private static void stopLoops(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private static void stopBlocking(ThreadPoolExecutor blocking) {
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

    /** Starts a server; returns once it accepts connections. */
    public static ParleyServer start(ServerConfig config) throws IOException, InterruptedException {
        return new ParleyServer(config);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The WebSocket listener's address, or null when it is off. */
    public InetSocketAddress webSocketAddress() {
        return webSocketChannel == null ? null : (InetSocketAddress) webSocketChannel.localAddress();
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

    /** This server as a cluster node, or null on a single node. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** The server API, or null when no --api-key-file is given. */
    public ApiServer api() {
        return api;
    }

    /** The admin HTTP address, or null when the admin port is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** The TLS of the listeners ({@link ServerTls#off()} when off). */
    public ServerTls tls() {
        return tls;
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

    /**
     * Graceful shutdown, safe to call more than once and from any thread (a signal handler, a
     * shutdown hook): turns not ready, then drains for {@link ServerConfig#drain()} (see
     * {@link Drain}: every connection is told the server is going away and served meanwhile),
     * then stops accepting, closes the connections and releases everything in reverse order of
     * creation. A second call while the first drains ends the drain at once, then waits for
     * the first to finish.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            drain.cut();
            try {
                terminated.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        Duration drainFor = config.drain();
        if (admin != null) {
            admin.markShuttingDown(drainFor.isZero() ? "shutting down"
                    : "shutting down: draining for up to " + drainFor.toMillis() + " ms");
        }
        try {
            // the API serves through the drain: a backend may still tell the rooms why they are closing
            drain.run(drainFor, goingAway, channels);
            if (api != null) {
                api.markShuttingDown();
            }
            log.info("Parley shutting down: closing {} connection(s)", channels.size());
            serverChannel.close().syncUninterruptibly();
            if (webSocketChannel != null) {
                webSocketChannel.close().syncUninterruptibly();
            }
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            // admin port, stats, event loops (the rooms finish there), blocking work, then the
            // chat log stores or spills what was accepted, then the database and meters
            resources.close();
            log.info("Parley stopped"); // before the count-down: the process may exit right after it
            terminated.countDown();
        }
    }
}
