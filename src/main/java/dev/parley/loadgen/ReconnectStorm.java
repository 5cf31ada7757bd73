package dev.parley.loadgen;

import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.socket.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code parley loadgen --reconnect-storm}: logs N players in, puts them in rooms, chats a bit,
 * then drops all their connections at once and measures how long until each is back: connected,
 * logged in with its session token, rejoined with {@code last_seen_seq} and caught up from
 * history. One anchor player per room stays connected and keeps chatting through the storm, so
 * the rooms live on and every returning player has messages to catch up on. At the end every
 * player must hold each seq of its room exactly once (no gap, no duplicate).
 *
 * <p>Threads: the caller's thread orchestrates and waits; the players' I/O and their step
 * chains run on the storm's own event loops.
 */
public final class ReconnectStorm implements AutoCloseable {

    /**
     * @param clients         players dropped and measured
     * @param rooms           rooms they are spread over (player i in room i mod rooms)
     * @param messagesBefore  chat messages each player sends before the drop
     * @param messagesDuring  chat messages each room's anchor sends while the players are away
     * @param backendToken    a backend token for a player's name (its sub and name), or null to log in with {@code password}
     * @param timeout         the limit of each setup step and of the storm itself
     */
    public record Settings(String host, int port, int clients, int rooms, int messagesBefore, int messagesDuring,
                           String runId, String password, Function<String, String> backendToken, Transport transport,
                           int threads, Duration timeout) {
        public static final int DEFAULT_MESSAGES_BEFORE = 2;
        /** More than the server's default join history (20): the returning players must page history too. */
        public static final int DEFAULT_MESSAGES_DURING = 30;
        /** The target on a 2-core box for 10,000 players. */
        public static final Duration TARGET = Duration.ofSeconds(10);

        public Settings {
            require(clients >= 1, "--clients must be positive");
            require(rooms >= 1 && rooms <= clients, "--rooms must be within 1..clients");
            require(messagesBefore >= 1, "messages before the storm must be positive");
            require(messagesDuring >= 0, "messages during the storm must not be negative");
        }

        String playerName(int i) {
            return "st-" + runId + "-" + i;
        }

        String anchorName(int room) {
            return "st-" + runId + "-a" + room;
        }
    }

    /** What the storm measured. */
    public record Outcome(int clients, long[] backNanos, int notBack, int withGaps, int withDuplicates,
                          int retries, String example) {
        public boolean passed() {
            return notBack == 0 && withGaps == 0 && withDuplicates == 0;
        }

        long percentile(double p) {
            if (backNanos.length == 0) {
                return 0;
            }
            long[] sorted = backNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    private static final int HISTORY_PAGE = 100;
    private static final long RETRY_MIN_MILLIS = 50;
    private static final long RETRY_MAX_MILLIS = 500;

    private final Settings s;
    private final PrintStream out;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<StormClient> players = new ArrayList<>();
    private final List<StormClient> anchors = new ArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();
    /** When the connections were dropped (caller's thread). */
    private long dropNanos;

    public ReconnectStorm(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.group = new MultiThreadIoEventLoopGroup(settings.threads(), new DefaultThreadFactory("storm", true),
                settings.transport().ioHandlerFactory());
        this.bootstrap = new Bootstrap().group(group).channel(settings.transport().channelClass())
                .option(ChannelOption.TCP_NODELAY, true);
        for (int r = 0; r < settings.rooms(); r++) {
            anchors.add(new StormClient(-1 - r, settings.anchorName(r), r));
        }
        for (int i = 0; i < settings.clients(); i++) {
            players.add(new StormClient(i, settings.playerName(i), i % settings.rooms()));
        }
    }

    /** Sets up, storms and prints the figures; returns them. */
    public Outcome run() throws InterruptedException {
        // the dropped connections linger in TIME_WAIT on this side: the returns need ports of their own
        ResourceCheck.checkConnections(s.clients() + s.rooms(), 2 * s.clients() + s.rooms(), 0);
        long t = System.nanoTime();
        List<StormClient> everyone = new ArrayList<>(anchors);
        everyone.addAll(players);
        long setup = System.nanoTime();
        // a busy server (a full hashing queue) is asked again, as a client would
        await("log in", everyone, c -> retrying(c, setup, () -> connect(c).thenCompose(ch -> login(c,
                s.backendToken() != null ? LoginRequest.newBuilder().setToken(s.backendToken().apply(c.name))
                        : LoginRequest.newBuilder().setName(c.name).setPassword(s.password())))));
        await("create rooms", anchors, a -> a.request(CreateRoomRequest.newBuilder()
                .setName("st-" + s.runId() + "-room-" + a.room).build(), CreateRoomResponse.class)
                .thenApply(r -> {
                    a.roomId = r.getRoom().getRoomId();
                    return r;
                }));
        await("join rooms", players, c -> {
            c.roomId = anchors.get(c.room).roomId;
            return c.request(JoinRoomRequest.newBuilder().setRoomId(c.roomId).build(), JoinRoomResponse.class)
                    .thenApply(r -> {
                        c.received(r.getRecentList());
                        return r;
                    });
        });
        for (StormClient c : players) {
            for (int k = 0; k < s.messagesBefore(); k++) {
                c.send(ChatRequest.newBuilder().setText("before " + k).setClientMsgId(k + 1).build());
            }
        }
        long[] perRoom = new long[s.rooms()];
        for (StormClient c : players) {
            perRoom[c.room] += s.messagesBefore();
        }
        awaitSeen(players, perRoom, "the chat before the storm");
        out.printf("reconnect storm: %,d players in %,d rooms set up in %.1f s (%s logins); dropping all at once%n",
                s.clients(), s.rooms(), (System.nanoTime() - t) / 1e9, s.backendToken() != null ? "token" : "password");

        long dropped = System.nanoTime();
        dropNanos = dropped;
        retries.set(0);
        for (StormClient c : players) {
            c.drop();
        }
        for (StormClient a : anchors) {
            chatOn(a, 0);
        }
        List<CompletableFuture<?>> back = new ArrayList<>();
        for (StormClient c : players) {
            back.add(retrying(c, dropped, () -> comeBack(c)));
        }
        long deadline = dropped + s.timeout().toNanos();
        CompletableFuture<Void> all = CompletableFuture.allOf(back.toArray(CompletableFuture[]::new));
        try {
            all.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            // counted below as players not back
        }
        for (int r = 0; r < s.rooms(); r++) {
            perRoom[r] += s.messagesDuring();
        }
        awaitSeen(players, perRoom, "the chat during the storm");
        return report(check(perRoom));
    }

    /** Connects {@code c} afresh; its pipeline parses frames into messages for it. */
    private CompletableFuture<Channel> connect(StormClient c) {
        CompletableFuture<Channel> f = new CompletableFuture<>();
        ChannelFuture cf = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new FrameDecoder(FrameDecoder.Side.CLIENT, Frames.MAX_FRAME_LENGTH))
                        .addLast(c.handler());
            }
        }).connect(s.host(), s.port());
        cf.addListener(done -> {
            if (done.isSuccess()) {
                c.channel = cf.channel();
                f.complete(cf.channel());
            } else {
                f.completeExceptionally(new SetupFailure(null, "connect: " + done.cause()));
            }
        });
        return f;
    }

    private CompletableFuture<LoginResponse> login(StormClient c, LoginRequest.Builder request) {
        return c.request(request.build(), LoginResponse.class).thenApply(r -> {
            if (r.getResult() != Result.OK) {
                throw new SetupFailure(r.getResult(), r.getReason());
            }
            c.sessionToken = r.getSessionToken();
            return r;
        });
    }

    /** The anchor's k-th message during the storm, then the next a little later, on its loop. */
    private void chatOn(StormClient anchor, int k) {
        if (k >= s.messagesDuring()) {
            return;
        }
        anchor.send(ChatRequest.newBuilder().setText("during " + k).setClientMsgId(1000 + k).build());
        anchor.channel.eventLoop().schedule(() -> chatOn(anchor, k + 1), 5, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code attempt}; when it fails, closes the player's connection and tries again after
     * a short jittered wait, until {@link Settings#timeout} after {@code since}.
     */
    private CompletableFuture<Void> retrying(StormClient c, long since, Supplier<CompletableFuture<?>> attempt) {
        return attempt.get().handle((v, e) -> {
            if (e == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (!retriable(e) || System.nanoTime() - since > s.timeout().toNanos()) {
                return CompletableFuture.<Void>failedFuture(e);
            }
            retries.incrementAndGet();
            Channel ch = c.channel;
            if (ch != null) {
                ch.close();
            }
            CompletableFuture<Void> later = new CompletableFuture<>();
            group.schedule(() -> retrying(c, since, attempt).whenComplete((x, failure) -> {
                if (failure == null) {
                    later.complete(null);
                } else {
                    later.completeExceptionally(failure);
                }
            }), ThreadLocalRandom.current().nextLong(RETRY_MIN_MILLIS, RETRY_MAX_MILLIS), TimeUnit.MILLISECONDS);
            return later;
        }).thenCompose(f -> f);
    }

    /** A lost or refused connection, or a refusal that asks to try again; not e.g. wrong credentials. */
    private static boolean retriable(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (!(t instanceof SetupFailure f) || f.result() == null) {
            return true;
        }
        return switch (f.result()) {
            case SERVER_BUSY, RATE_LIMITED, INTERNAL_ERROR, ALREADY_LOGGED_IN, SESSION_REPLACED -> true;
            default -> false;
        };
    }

    /**
     * One player's return: connect, log in with its session token, rejoin with the last seq it
     * holds without a gap, read the gap between that and the join's recent messages.
     */
    private CompletableFuture<Void> comeBack(StormClient c) {
        long lastSeen = c.contiguousSeen();
        return connect(c)
                .thenCompose(ch -> login(c, LoginRequest.newBuilder().setToken(c.sessionToken)))
                .thenCompose(r -> c.request(JoinRoomRequest.newBuilder().setRoomId(c.roomId).setLastSeenSeq(lastSeen)
                        .build(), JoinRoomResponse.class))
                .thenCompose(j -> {
                    if (j.getResult() != Result.OK) {
                        throw new SetupFailure(j.getResult(), j.getReason());
                    }
                    c.received(j.getRecentList());
                    long upTo = j.getRecentCount() > 0 ? j.getRecent(0).getSeq() : Long.MAX_VALUE;
                    return j.getHasGap() ? fillGap(c, lastSeen, upTo) : CompletableFuture.completedFuture(null);
                })
                .thenRun(() -> c.backAt = System.nanoTime());
    }

    /** Reads the messages after {@code after} and before {@code before} forwards, page by page. */
    private CompletableFuture<Void> fillGap(StormClient c, long after, long before) {
        HistoryRequest.Builder req = HistoryRequest.newBuilder().setRoomId(c.roomId).setAfterSeq(after)
                .setLimit(HISTORY_PAGE);
        if (before != Long.MAX_VALUE) {
            req.setBeforeSeq(before);
        }
        return c.request(req.build(), HistoryResponse.class).thenCompose(h -> {
            if (h.getResult() != Result.OK) {
                throw new SetupFailure(h.getResult(), h.getReason());
            }
            c.received(h.getMessagesList());
            if (h.getHasMore() && h.getMessagesCount() > 0) {
                return fillGap(c, h.getMessages(h.getMessagesCount() - 1).getSeq(), before);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Every player's seqs: 1..its room's total, each exactly once. */
    private Outcome check(long[] perRoom) {
        int notBack = 0;
        int gaps = 0;
        int duplicates = 0;
        String example = null;
        for (StormClient c : players) {
            if (c.backAt == 0) {
                notBack++;
                example = example != null ? example : c.name + " is not back";
            }
        }
        for (StormClient c : players) {
            List<Long> seqs = c.seqs();
            long distinct = seqs.stream().distinct().count();
            if (distinct != seqs.size()) {
                duplicates++;
                example = example != null ? example : c.name + " received a seq twice";
            }
            long total = perRoom[c.room];
            boolean complete = distinct == total && seqs.stream().allMatch(q -> q >= 1 && q <= total);
            if (!complete) {
                gaps++;
                example = example != null ? example : c.name + " holds " + distinct + " of seqs 1.." + total;
            }
        }
        long[] nanos = players.stream().filter(c -> c.backAt != 0).mapToLong(c -> c.backAt).toArray();
        return new Outcome(players.size(), nanos, notBack, gaps, duplicates, retries.get(), example);
    }

    private Outcome report(Outcome o) {
        out.println(verdict(o));
        return o;
    }

    /** The result lines: time-to-back percentiles (from the drop) and the verdict. */
    static String verdict(Outcome o, long droppedAt) {
        long[] rel = Arrays.stream(o.backNanos()).map(b -> b - droppedAt).toArray();
        Outcome r = new Outcome(o.clients(), rel, o.notBack(), o.withGaps(), o.withDuplicates(), o.retries(),
                o.example());
        String figures = String.format("  back after the drop: p50 %.3f s, p99 %.3f s, max %.3f s (%,d of %,d players;"
                        + " %,d retried attempts)", r.percentile(50) / 1e9, r.percentile(99) / 1e9,
                r.percentile(100) / 1e9, rel.length, o.clients(), o.retries());
        String verdict = o.passed()
                ? String.format("  PASS: every player logged in again with its session token and resumed its room "
                        + "with no gap and no duplicate%s", r.percentile(100) <= Settings.TARGET.toNanos()
                        ? " within the " + Settings.TARGET.toSeconds() + " s target"
                        : ", but slower than the " + Settings.TARGET.toSeconds() + " s target")
                : String.format("  FAIL: %,d not back, %,d with a gap, %,d with a duplicate (e.g. %s)", o.notBack(),
                        o.withGaps(), o.withDuplicates(), o.example());
        return figures + System.lineSeparator() + verdict;
    }

    private String verdict(Outcome o) {
        return verdict(o, dropNanos);
    }

    /** Runs {@code step} for each of {@code who} at once and waits for all; a failure stops the run naming the step. */
    private void await(String step, List<StormClient> who,
                       Function<StormClient, CompletableFuture<?>> stepOf) throws InterruptedException {
        List<CompletableFuture<?>> fs = new ArrayList<>();
        for (StormClient c : who) {
            fs.add(stepOf.apply(c));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(s.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            int failed = 0;
            String example = null;
            for (int i = 0; i < fs.size(); i++) {
                CompletableFuture<?> f = fs.get(i);
                if (!f.isDone() || f.isCompletedExceptionally()) {
                    failed++;
                    if (example == null) {
                        example = who.get(i).name + ": " + (f.isDone() ? failure(f) : "no answer");
                    }
                }
            }
            throw new LoadgenSetupException(step + " failed for " + failed + " of " + who.size() + " (e.g. " + example + ")");
        }
    }

    private static String failure(CompletableFuture<?> f) {
        try {
            f.join();
            return "?";
        } catch (RuntimeException e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            return t.getMessage();
        }
    }

    /** Waits until every player has seen its room's last seq (or the timeout passes: the check then reports it). */
    private void awaitSeen(List<StormClient> who, long[] perRoom, String what) throws InterruptedException {
        long end = System.nanoTime() + s.timeout().toNanos();
        for (StormClient c : who) {
            while (c.lastSeen() < perRoom[c.room] && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
