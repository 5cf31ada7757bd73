package dev.parley.cluster.chaos;

import com.google.protobuf.MessageLite;
import dev.parley.cluster.chaos.ChaosChecker.Violation;
import dev.parley.cluster.chaos.ClientRecord.Msg;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.testing.TestClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One chaos scenario's players on a {@link ClusterHarness}: starts them, lets them chat, checks
 * presence after a kill, and at the end settles the run (senders stop, echoes and catch-up are
 * awaited), reads each room's history from a node and hands everything to {@link ChaosChecker};
 * a broken invariant fails with the violations, the journals of the players named and the nodes'
 * log tails. Driven by the test's thread.
 */
final class ChaosRun implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    private final ClusterHarness cluster;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("chaos-io", true),
            NioIoHandler.newFactory());
    private final List<ChaosPlayer> players = new ArrayList<>();
    private int auditors;

    ChaosRun(ClusterHarness cluster) {
        this.cluster = cluster;
    }

    /** The ids of the permanent rooms, by name, as a node lists them. */
    Map<String, Long> roomIds() throws Exception {
        try (TestClient c = auditor()) {
            c.send(RoomListRequest.getDefaultInstance());
            Map<String, Long> ids = new LinkedHashMap<>();
            for (RoomInfo r : c.expectSkipping(RoomListResponse.class).getRoomsList()) {
                ids.put(r.getName(), r.getRoomId());
            }
            return ids;
        }
    }

    private TestClient auditor() throws Exception {
        ClusterHarness.Node n = cluster.reachable().get(0);
        TestClient c = TestClient.connect("127.0.0.1", n.port);
        c.loginOk("chaos-auditor-" + (++auditors), "pw-auditor");
        return c;
    }

    /**
     * A player in {@code rooms}, first on node {@code index % nodes}; it logs in on a thread of its
     * own: {@link #awaitReady()} waits for all the players added.
     */
    ChaosPlayer player(String name, int index, List<Long> rooms, ChaosPlayer.Settings settings) {
        ChaosPlayer p = new ChaosPlayer(name, index, rooms, settings, group, cluster::reachable);
        players.add(p);
        p.begin();
        return p;
    }

    /** Waits until every player is in its rooms. */
    void awaitReady() throws InterruptedException {
        for (ChaosPlayer p : players) {
            p.awaitReady(START_TIMEOUT);
        }
    }

    /**
     * Waits until every online player other than {@code who} lists {@code who} as a member of each
     * of {@code rooms}: the presence that a kill must then clear was there to begin with.
     */
    void awaitListedByAll(String who, List<Long> rooms, Duration within) throws InterruptedException {
        String problem = listedByAll(who, rooms, within);
        if (problem != null) {
            throw new AssertionError(problem + "\n" + cluster.diagnostics(20));
        }
    }

    /** As {@link #awaitListedByAll}, but returns what is wrong (null: nothing) instead of failing. */
    String listedByAll(String who, List<Long> rooms, Duration within) throws InterruptedException {
        if (await(() -> missing(who, rooms).isEmpty(), within)) {
            return null;
        }
        return who + " is not in the member lists of " + missing(who, rooms) + " after " + within.toSeconds()
                + " s: the room's members are not shared across nodes";
    }

    private List<String> missing(String who, List<Long> rooms) {
        return players.stream().filter(p -> p.online() && !p.name().equals(who))
                .filter(p -> rooms.stream().anyMatch(r -> !p.members(r).contains(who)))
                .map(p -> p.name() + "@" + p.node()).toList();
    }

    List<ChaosPlayer> players() {
        return List.copyOf(players);
    }

    List<ChaosPlayer> on(String nodeId) {
        return players.stream().filter(p -> p.online() && p.node().equals(nodeId)).toList();
    }

    void sending(boolean on) {
        players.forEach(p -> p.sending(on));
    }

    /** Lets the players chat for {@code d} (the load's length, not a timing). */
    void chatFor(Duration d) throws InterruptedException {
        sending(true);
        Thread.sleep(d.toMillis());
    }

    /**
     * Waits until no online player other than {@code gone} still lists {@code gone} as a member of
     * any of {@code rooms}; fails after {@code within}, naming who still does.
     */
    void awaitGoneFromMemberLists(String gone, List<Long> rooms, Duration within) throws InterruptedException {
        BooleanSupplier cleared = () -> players.stream().filter(p -> p.online() && !p.name().equals(gone))
                .allMatch(p -> rooms.stream().noneMatch(r -> p.members(r).contains(gone)));
        if (!await(cleared, within)) {
            String still = players.stream().filter(p -> p.online() && !p.name().equals(gone))
                    .filter(p -> rooms.stream().anyMatch(r -> p.members(r).contains(gone)))
                    .map(p -> p.name() + "@" + p.node()).collect(Collectors.joining(", "));
            throw new AssertionError(gone + " still in the member lists of " + still + " " + within.toSeconds()
                    + " s after its node died\n" + cluster.diagnostics(20));
        }
    }

    /** Waits until every player on the dead node {@code nodeId} is online on another. */
    void awaitMovedOff(String nodeId, List<ChaosPlayer> movers, Duration within) throws InterruptedException {
        if (!await(() -> movers.stream().allMatch(p -> p.online() && !p.node().equals(nodeId)), within)) {
            throw new AssertionError("players of " + nodeId + " not back on another node within " + within.toSeconds()
                    + " s: " + movers + "\n" + movers.stream().map(ChaosPlayer::journal).collect(Collectors.joining("\n"))
                    + "\n" + cluster.diagnostics(20));
        }
    }

    private static boolean await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50); // polling an outcome with a deadline
        }
        return true;
    }

    /** What a settled run produced. */
    record Outcome(List<ClientRecord> records, Map<Long, List<Msg>> history, List<Violation> violations) {
        long acknowledged() {
            return records.stream().mapToLong(r -> r.receipts().stream()
                    .filter(x -> x.msg().cmid() != 0 && x.msg().sender().equals(r.name())).count()).sum();
        }
    }

    /**
     * Stops the senders, waits (bounded) for the outstanding echoes and for every online player to
     * have shown each room up to its last stored message, reads the history, and checks. Fails
     * with the violations if any.
     */
    Outcome settleAndCheck(List<Long> rooms) throws Exception {
        sending(false);
        await(() -> players.stream().filter(ChaosPlayer::online).allMatch(p -> p.unacked() == 0), SETTLE_TIMEOUT);
        Map<Long, List<Msg>> stored = history(rooms);
        await(() -> players.stream().filter(ChaosPlayer::online).allMatch(p -> rooms.stream()
                .allMatch(r -> p.shown(r) >= last(stored, r))), SETTLE_TIMEOUT);
        Map<Long, List<Msg>> history = history(rooms); // anything stored while waiting counts too
        List<ClientRecord> records = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (ChaosPlayer p : players) {
            records.add(p.finish());
            if (p.failure() != null) {
                failed.add(p.name() + ": " + p.failure());
            }
        }
        List<Violation> violations = ChaosChecker.check(records, history);
        if (!failed.isEmpty()) {
            throw new AssertionError("players failed: " + failed + "\n" + cluster.diagnostics(20));
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " violations of the cluster's promises:\n"
                    + ChaosChecker.describe(violations, 10) + "\nplayers: " + players + "\n"
                    + journalsOf(violations) + "\n" + cluster.diagnostics(25));
        }
        return new Outcome(records, history, violations);
    }

    private static long last(Map<Long, List<Msg>> history, long room) {
        List<Msg> h = history.getOrDefault(room, List.of());
        return h.isEmpty() ? 0 : h.get(h.size() - 1).seq();
    }

    private String journalsOf(List<Violation> violations) {
        Set<String> named = new HashSet<>();
        for (Violation v : violations) {
            players.stream().filter(p -> v.detail().contains(p.name())).forEach(p -> named.add(p.name()));
        }
        return players.stream().filter(p -> named.contains(p.name())).map(ChaosPlayer::journal)
                .collect(Collectors.joining("\n"));
    }

    /** Each room's whole history, paged forwards from the start (permanent rooms: anyone may read them). */
    Map<Long, List<Msg>> history(List<Long> rooms) throws Exception {
        Map<Long, List<Msg>> out = new TreeMap<>();
        try (TestClient c = auditor()) {
            for (long room : rooms) {
                List<Msg> msgs = new ArrayList<>();
                long after = 0;
                while (true) {
                    c.send(HistoryRequest.newBuilder().setRoomId(room).setAfterSeq(after).setLimit(200).build());
                    MessageLite m = c.next();
                    while (!(m instanceof HistoryResponse) && !(m instanceof ErrorNotify)) {
                        m = c.next();
                    }
                    if (!(m instanceof HistoryResponse h) || h.getResultValue() != 0) {
                        throw new AssertionError("history of room " + room + " after " + after + " refused: " + m);
                    }
                    h.getMessagesList().forEach(x -> msgs.add(new Msg(x.getRoomId(), x.getSeq(), x.getKindValue(),
                            x.getSender().getName(), x.getClientMsgId(), x.getText())));
                    if (!h.getHasMore() || h.getMessagesCount() == 0) {
                        break;
                    }
                    after = h.getMessages(h.getMessagesCount() - 1).getSeq();
                }
                out.put(room, msgs);
            }
        }
        return out;
    }

    @Override
    public void close() {
        players.forEach(ChaosPlayer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
