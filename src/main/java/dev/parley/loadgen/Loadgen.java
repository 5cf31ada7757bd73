package dev.parley.loadgen;

import dev.parley.client.ClientTls;
import dev.parley.protocol.Heartbeat;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.socket.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Drives a running Parley server: connects the clients, logs them in, fills the rooms, then
 * runs phases of open-loop chat traffic and measures every delivery.
 *
 * <p>Use: {@link #setup()} once, then {@link #runPhase} one or more times (a rate ramp runs
 * several), then {@link #close()}. Clients are spread over a few event loops; each loop sends
 * for its own clients ({@link SendScheduler}) and accounts what they receive
 * ({@link LoadClientHandler}) without sharing state with the others.
 */
public final class Loadgen implements AutoCloseable {

    private static final int CONNECTS_IN_FLIGHT = 512;
    private static final int REQUESTS_IN_FLIGHT = 2_000;
    /**
     * Logins at once: below the server's default hashing queue (--hash-queue 64), which answers
     * SERVER_BUSY when full rather than let logins wait long.
     */
    private static final int LOGINS_IN_FLIGHT = 32;
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int REPORTED_DISCONNECTS = 5;
    private static final long JOIN_RETRY_MILLIS = 50;

    private final LoadgenConfig cfg;
    private final PrintStream out;
    private final Progress progress;
    private final RoomLayout layout;
    private final Transport transport;
    /** Null for plain TCP. */
    private final ClientTls tls;
    private final EventLoopGroup group;
    private final EventLoop[] loops;
    private final LoopStats[] stats;
    private final Histogram[] warmupRecycle;
    private final Histogram[] measuredRecycle;
    private final LoadClient[] clients;
    private final SendScheduler[] schedulers;
    private final PhaseTable phases = new PhaseTable();
    private final Events events = new Events();
    /** The hostile extras, or null. */
    private final Hostile hostile;
    private Hostile.HostileReport hostileReport;
    private int nextPhase = 1;
    private long firstPhaseStart;

    public Loadgen(LoadgenConfig cfg, PrintStream out, Progress progress) {
        cfg.validate();
        this.cfg = cfg;
        this.out = out;
        this.progress = progress;
        this.layout = new RoomLayout(cfg.clients, cfg.rooms);
        this.transport = cfg.effectiveTransport();
        this.tls = ClientTls.forConfig(cfg.tls);
        int threads = cfg.effectiveThreads();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen", true),
                transport.ioHandlerFactory());
        this.loops = new EventLoop[threads];
        int n = 0;
        for (EventExecutor e : group) {
            loops[n++] = (EventLoop) e;
        }
        this.stats = new LoopStats[threads];
        this.warmupRecycle = new Histogram[threads];
        this.measuredRecycle = new Histogram[threads];
        for (int i = 0; i < threads; i++) {
            stats[i] = new LoopStats();
        }
        this.clients = new LoadClient[cfg.clients];
        List<List<LoadClient>> perLoop = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            perLoop.add(new ArrayList<>());
        }
        for (int i = 0; i < cfg.clients; i++) {
            int loop = layout.loop(i, threads);
            clients[i] = new LoadClient(i, cfg.playerName(i), layout, loop);
            perLoop.get(loop).add(clients[i]); // ascending index = ascending send offset
        }
        byte[] text = new byte[cfg.payloadMix.maxSize()];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + i % 26);
        }
        this.schedulers = new SendScheduler[threads];
        for (int i = 0; i < threads; i++) {
            schedulers[i] = new SendScheduler(loops[i], perLoop.get(i).toArray(new LoadClient[0]), stats[i],
                    cfg.payloadMix, text);
        }
        this.hostile = cfg.hasHostile() ? new Hostile(cfg, transport, tls) : null;
    }

    /** The connections' TLS; null for plain TCP. */
    public ClientTls tls() {
        return tls;
    }

    public RoomLayout layout() {
        return layout;
    }

    public Transport transport() {
        return transport;
    }

    public int threads() {
        return loops.length;
    }

    /** Connects, logs in, creates and joins the rooms; throws {@link LoadgenSetupException} with the reason. */
    public void setup() throws InterruptedException {
        ResourceCheck.check(layout, cfg.sourceAddresses.size(), cfg.flooders + cfg.silentConnections + 1);
        out.printf("loadgen run %s: %,d clients, %d rooms (%,d-%,d members), %s transport%s, %d event loop(s)%n",
                cfg.runId, cfg.clients, cfg.rooms, layout.size(cfg.rooms - 1), layout.size(0),
                transport.cliName(), tls == null ? "" : " over TLS", loops.length);
        long t0 = System.nanoTime();
        connect();
        out.printf("  connected %,d clients to %s (%s) in %.2f s%n", cfg.clients, serversText(),
                cfg.protocol == WireProtocol.WS ? "WebSocket " + WebSocketLink.SUBPROTOCOL : "TCP", secondsSince(t0));
        t0 = System.nanoTime();
        List<LoadClient> all = List.of(clients);
        step("log in", all, LOGINS_IN_FLIGHT, c -> c.request(LoginRequest.newBuilder().setName(c.name).setPassword(cfg.password).build(),
                LoginResponse.class).thenAccept(r -> check(r.getResult(), r.getReason())));
        out.printf("  logged in %,d players in %.2f s%n", cfg.clients, secondsSince(t0));
        t0 = System.nanoTime();
        List<LoadClient> creators = new ArrayList<>();
        List<LoadClient> joiners = new ArrayList<>();
        for (LoadClient c : clients) {
            (layout.isCreator(c.index) ? creators : joiners).add(c);
        }
        step("create a room", creators, REQUESTS_IN_FLIGHT, c -> c.request(CreateRoomRequest.newBuilder().setName(cfg.roomName(c.room)).build(),
                CreateRoomResponse.class).thenAccept(r -> {
                    check(r.getResult(), r.getReason());
                    c.roomId = r.getRoom().getRoomId();
                }));
        long listedBy = System.nanoTime() + cfg.roomListedTimeout.toNanos();
        step("join a room", joiners, REQUESTS_IN_FLIGHT, c -> join(c, clients[c.room].roomId, listedBy).thenAccept(r -> {
                    if (r.getResult() == Result.ROOM_FULL) {
                        throw new SetupFailure(r.getResult(), r.getReason() + " (rooms of " + layout.size(c.room)
                                + " need the server's --room-max-members at least that high)");
                    }
                    check(r.getResult(), r.getReason());
                    c.roomId = r.getRoom().getRoomId();
                }));
        out.printf("  created %d rooms and joined %,d members in %.2f s (fan-out %.2f)%n", cfg.rooms,
                joiners.size(), secondsSince(t0), layout.fanOut());
    }

    /**
     * Joins {@code roomId}, asking again every {@value #JOIN_RETRY_MILLIS} ms while the answer is
     * ROOM_NOT_FOUND and {@code listedBy} (nanoTime) has not passed: on a cluster a room created on
     * another node is joinable once this node lists it, a moment after its creation.
     */
    private CompletableFuture<JoinRoomResponse> join(LoadClient c, long roomId, long listedBy) {
        JoinRoomRequest req = JoinRoomRequest.newBuilder().setRoomId(roomId).build();
        return c.request(req, JoinRoomResponse.class).thenCompose(r -> {
            if (r.getResult() != Result.ROOM_NOT_FOUND || System.nanoTime() >= listedBy) {
                return CompletableFuture.completedFuture(r);
            }
            CompletableFuture<JoinRoomResponse> again = new CompletableFuture<>();
            c.channel.eventLoop().schedule(() -> join(c, roomId, listedBy).whenComplete((x, e) -> {
                if (e != null) {
                    again.completeExceptionally(e);
                } else {
                    again.complete(x);
                }
            }), JOIN_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return again;
        });
    }

    private String serversText() {
        List<ServerAddress> t = cfg.targets();
        return t.size() == 1 ? t.get(0).toString() : t.size() + " servers " + t + " (split: " + cfg.nodeSplit.cliName() + ")";
    }

    private static void check(Result result, String reason) {
        if (result != Result.OK) {
            throw new SetupFailure(result, reason);
        }
    }

    private void connect() throws InterruptedException {
        Map<ServerAddress, InetSocketAddress> remotes = new HashMap<>();
        for (ServerAddress a : cfg.targets()) {
            InetSocketAddress remote = new InetSocketAddress(a.host(), a.port());
            if (remote.isUnresolved()) {
                throw new LoadgenSetupException("cannot resolve server host " + a.host());
            }
            remotes.put(a, remote);
        }
        Bootstrap[] boots = new Bootstrap[loops.length];
        for (int i = 0; i < loops.length; i++) {
            boots[i] = new Bootstrap().group(loops[i]).channel(transport.channelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        }
        Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
        CountDownLatch finished = new CountDownLatch(clients.length);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + cfg.setupTimeout.toNanos();
        for (LoadClient c : clients) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new LoadgenSetupException("connecting timed out after " + cfg.setupTimeout.toSeconds()
                        + " s: " + (clients.length - finished.getCount()) + " of " + clients.length + " connections done");
            }
            ServerAddress server = cfg.serverFor(layout, c.index);
            InetSocketAddress remote = remotes.get(server);
            LoadClientHandler handler = new LoadClientHandler(c, phases, stats[c.loop], events);
            WebSocketLink[] link = new WebSocketLink[1];
            Bootstrap b = boots[c.loop].clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (tls != null) {
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), server.host(), server.port()));
                    }
                    if (cfg.protocol == WireProtocol.WS) {
                        link[0] = WebSocketLink.install(ch.pipeline(), server.host(), server.port(), cfg.setupTimeout);
                        ch.pipeline().addLast(handler);
                        // last, so its pings pass the WebSocket framing
                        Heartbeat.installLast(ch.pipeline(), Heartbeat.DEFAULT_INTERVAL);
                        return;
                    }
                    // a client that waits long in setup (thousands log in first) must not look idle
                    ch.pipeline().addLast(handler);
                    Heartbeat.install(ch.pipeline(), Heartbeat.DEFAULT_INTERVAL);
                }
            });
            ChannelFuture f = cfg.sourceAddresses.isEmpty() ? b.connect(remote)
                    : b.connect(remote, new InetSocketAddress(cfg.sourceAddresses.get(c.index % cfg.sourceAddresses.size()), 0));
            c.channel = f.channel();
            f.addListener(x -> {
                if (x.isSuccess() && link[0] != null) {
                    link[0].handshake().addListener(h -> connected(c, h, inFlight, failures, finished));
                } else {
                    connected(c, x, inFlight, failures, finished);
                }
            });
        }
        if (!finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new LoadgenSetupException("connecting timed out after " + cfg.setupTimeout.toSeconds() + " s: "
                    + (clients.length - finished.getCount()) + " of " + clients.length + " connections done");
        }
        if (!failures.isEmpty()) {
            throw new LoadgenSetupException(failures.size() + " of " + clients.length + " connections to "
                    + serversText() + " failed, e.g. " + failures.peek());
        }
    }

    /** One connection is usable (for WebSocket: upgraded), or failed. */
    private static void connected(LoadClient c, io.netty.util.concurrent.Future<?> outcome, Semaphore inFlight,
                                  ConcurrentLinkedQueue<String> failures, CountDownLatch finished) {
        inFlight.release();
        if (!outcome.isSuccess()) {
            failures.add(c.name + ": " + outcome.cause().getMessage());
        }
        finished.countDown();
    }

    /** Runs one setup request per client, a bounded number at a time; fails with a breakdown by reason. */
    private void step(String what, List<LoadClient> targets, int maxInFlight,
                      Function<LoadClient, CompletableFuture<?>> action) throws InterruptedException {
        Semaphore inFlight = new Semaphore(maxInFlight);
        CountDownLatch finished = new CountDownLatch(targets.size());
        Map<String, AtomicInteger> failuresByKind = new ConcurrentHashMap<>();
        Map<String, String> example = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + cfg.setupTimeout.toNanos();
        for (LoadClient c : targets) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            action.apply(c).whenComplete((ok, err) -> {
                inFlight.release();
                if (err != null) {
                    Throwable cause = err.getCause() != null ? err.getCause() : err;
                    String kind = cause instanceof SetupFailure sf && sf.result() != null ? sf.result().name()
                            : cause instanceof SetupFailure ? "connection" : cause.getClass().getSimpleName();
                    failuresByKind.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    example.putIfAbsent(kind, c.name + ": " + cause.getMessage());
                }
                finished.countDown();
            });
        }
        boolean done = finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!failuresByKind.isEmpty()) {
            int failed = failuresByKind.values().stream().mapToInt(AtomicInteger::get).sum();
            StringBuilder sb = new StringBuilder(what + " failed for " + failed + " of " + targets.size() + " clients:");
            failuresByKind.forEach((kind, n) -> sb.append(' ').append(kind).append(" x").append(n)
                    .append(" (e.g. ").append(example.get(kind)).append(')'));
            throw new LoadgenSetupException(sb.toString());
        }
        if (!done) {
            throw new LoadgenSetupException(what + " timed out after " + cfg.setupTimeout.toSeconds() + " s: "
                    + (targets.size() - finished.getCount()) + " of " + targets.size() + " answered");
        }
    }

    /** The counters summed over all event loops, now. */
    public Counts counts() {
        return collect(null, null);
    }

    /**
     * Sums the loops' counters; when {@code tick} or {@code total} is given, also moves what the
     * loops recorded into {@code tick} (warmup and measured) and {@code total} (measured only).
     * Each loop takes its snapshot itself, so its statistics need no synchronisation.
     */
    private Counts collect(Histogram tick, Histogram total) {
        boolean take = tick != null || total != null;
        List<CompletableFuture<LoopStats.Snapshot>> futures = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            LoopStats s = stats[i];
            Histogram w = warmupRecycle[i];
            Histogram m = measuredRecycle[i];
            warmupRecycle[i] = null;
            measuredRecycle[i] = null;
            CompletableFuture<LoopStats.Snapshot> f = new CompletableFuture<>();
            try {
                loops[i].execute(() -> f.complete(s.snapshot(take, w, m)));
            } catch (RuntimeException e) {
                f.complete(s.snapshot(take, w, m)); // the loop is shut down: nothing else touches its stats
            }
            futures.add(f);
        }
        long[] sum = new long[Counts.SIZE];
        for (int i = 0; i < loops.length; i++) {
            LoopStats.Snapshot snap;
            try {
                snap = futures.get(i).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("event loop " + i + " did not answer for 30 s: " + e, e);
            }
            for (int k = 0; k < Counts.SIZE; k++) {
                sum[k] += snap.counters()[k];
            }
            if (take) {
                if (tick != null) {
                    tick.add(snap.warmup());
                    tick.add(snap.measured());
                }
                if (total != null) {
                    total.add(snap.measured());
                }
                snap.warmup().reset();
                snap.measured().reset();
                warmupRecycle[i] = snap.warmup();
                measuredRecycle[i] = snap.measured();
            }
        }
        return new Counts(sum);
    }

    /**
     * Runs one phase: every client sends {@code rps} messages a second for {@code warmupS +
     * durationS} seconds, then the loadgen waits up to the drain period for outstanding
     * deliveries.
     *
     * @param label     prefix of the progress line
     * @param printRows print a table row every {@value Timeline#ROW_SECONDS} s to the output
     */
    public PhaseResult runPhase(double rps, long warmupS, long durationS, PhaseListener listener, boolean printRows,
                                String label) throws InterruptedException {
        if (nextPhase > MsgIds.MAX_PHASE) {
            throw new IllegalStateException("at most " + MsgIds.MAX_PHASE + " phases per loadgen");
        }
        Counts base = collect(null, LoopStats.newHistogram()); // forget latencies recorded between phases
        long start = System.nanoTime() + START_DELAY_NANOS;
        Phase phase = new Phase(nextPhase++, rps, cfg.clients, start, TimeUnit.SECONDS.toNanos(warmupS),
                TimeUnit.SECONDS.toNanos(durationS));
        phases.put(phase);
        if (firstPhaseStart == 0) {
            firstPhaseStart = start;
        }
        Timeline timeline = new Timeline(warmupS, durationS, base, (start - firstPhaseStart) / 1e9);
        Histogram total = new Histogram(1, LoopStats.MAX_MICROS, 3);
        Histogram tick = new Histogram(1, LoopStats.MAX_MICROS, 3);
        if (hostile != null) {
            hostile.start();
        }
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (SendScheduler s : schedulers) {
            sending.add(s.start(phase));
        }
        if (printRows) {
            out.println(ResultPrinter.rowHeader());
        }
        long totalS = warmupS + durationS;
        if (warmupS == 0) {
            sleepUntil(start);
            listener.measureStarted();
        }
        for (long t = 1; t <= totalS; t++) {
            sleepUntil(start + TimeUnit.SECONDS.toNanos(t));
            if (t == totalS) {
                listener.measureEnded();
            }
            tick.reset();
            Interval row = timeline.tick(t, collect(tick, total), tick);
            Sample s = timeline.samples().get(timeline.samples().size() - 1);
            if (row != null && printRows) {
                progress.clear();
                out.println(ResultPrinter.row(row));
            }
            progress.update(label, t, totalS, warmupS, s.sentPerSec(), s.deliveredPerSec(), s.p99Us());
            if (t == warmupS) {
                listener.measureStarted();
            }
        }
        progress.clear();
        for (CompletableFuture<Void> f : sending) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("a sending loop did not finish: " + e, e);
            }
        }
        if (hostile != null) {
            hostileReport = hostile.stop(); // before the drain, which measures the measured clients only
        }
        long drainStart = System.nanoTime();
        long drainEnd = drainStart + cfg.drain.toNanos();
        while (counts().minus(base).lost() > 0 && System.nanoTime() < drainEnd) {
            Thread.sleep(10);
        }
        double drainSeconds = secondsSince(drainStart);
        Counts result = collect(null, total).minus(base);
        return new PhaseResult(phase.id(), rps, cfg.clients, cfg.rooms, warmupS, durationS, result, total,
                List.copyOf(timeline.rows()), List.copyOf(timeline.samples()), result.lost() <= 0, drainSeconds);
    }

    /** What the server did to the hostile extras of the last phase, or null without them. */
    public Hostile.HostileReport hostileReport() {
        return hostileReport;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
        for (SendScheduler s : schedulers) {
            s.stop();
        }
        for (LoadClient c : clients) {
            c.closing = true;
            if (c.channel != null) {
                c.channel.close();
            }
        }
        if (hostile != null) {
            try {
                hostile.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            hostile.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Reports each kind of trouble once as it happens; the counters keep the totals. */
    private final class Events implements LoadClientHandler.Events {
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
        private final AtomicInteger disconnectsShown = new AtomicInteger();

        private void once(String key, String line) {
            if (seen.putIfAbsent(key, Boolean.TRUE) == null) {
                progress.clear();
                out.println("loadgen: " + line + " (further ones are only counted)");
            }
        }

        @Override
        public void chatRefused(LoadClient client, ErrorNotify error) {
            once("chat-" + error.getResult(), "server refused a chat of " + client.name + ": "
                    + error.getResult() + " " + error.getReason());
        }

        @Override
        public void otherError(LoadClient client, ErrorNotify error) {
            once("error-" + error.getResult(), "unexpected ErrorNotify for " + client.name + ": " + error.getResult()
                    + " " + error.getReason() + " (request " + error.getRequestType() + ")");
        }

        @Override
        public void disconnected(LoadClient client, Throwable cause) {
            if (disconnectsShown.incrementAndGet() <= REPORTED_DISCONNECTS) {
                progress.clear();
                out.println("loadgen: " + client.name + " lost its connection"
                        + (cause == null ? "" : ": " + cause));
            }
        }

        @Override
        public void malformed(LoadClient client, String what) {
            once("malformed-" + what, "bad frame for " + client.name + ": " + what);
        }
    }
}
