package dev.parley.cluster.chaos;

import com.google.protobuf.MessageLite;
import dev.parley.client.ParleyConnection;
import dev.parley.cluster.chaos.ClientRecord.Msg;
import dev.parley.cluster.chaos.ClientRecord.Receipt;
import dev.parley.cluster.chaos.ClientRecord.Resume;
import dev.parley.cluster.chaos.ClientRecord.Source;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.Result;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One chaos-suite player on a thread of its own, speaking the raw protocol
 * ({@link ParleyConnection}) so that it records exactly what the servers sent: it logs in to a
 * node, joins its rooms, chats with a client_msg_id per message while told to, and records every
 * chat message it receives and its resumes ({@link ClientRecord}). When its connection drops (a
 * killed node), or no echo comes within the ack timeout (a paused node), it moves to
 * <em>another</em> reachable node: logs in with its session token, rejoins each room with
 * {@code last_seen_seq}, pages the history a {@code has_gap} leaves out, and sends again, with
 * the same client_msg_id, what had no echo. Like a real client it shows a room's messages of a
 * resume only once the resume of that room is complete (a resume cut short is discarded and done
 * again), and takes {@code last_seen_seq} from what it has shown. The server's answer to a resend
 * it had taken already (the original ChatNotify, same seq, to the sender alone) is an
 * acknowledgement, not a delivery. (The client library,
 * {@code ParleyClient}, reconnects to one address and hides duplicates, so it cannot be the
 * witness here.) Other threads read its progress through the accessors.
 */
final class ChaosPlayer implements AutoCloseable {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PING_EVERY = Duration.ofSeconds(10);
    private static final int MAX_UNACKED = 20;
    private static final int HISTORY_PAGE = 200;
    private static final int JOURNAL_MAX = 300;

    /**
     * @param sendEvery     a chat message about this often while sending (jittered ±50 %); null = a passive listener
     * @param ackTimeout    no echo for the oldest unacknowledged message this long: the node is taken for stalled
     *                      and left for another; null = wait forever
     * @param reconnect     whether to move to another node when the connection is lost (false: the player is gone)
     * @param resendUnacked after a reconnect, send the messages without an echo again with their client_msg_id
     * @param giveUpAfter   how long to keep trying to reconnect
     */
    record Settings(Duration sendEvery, Duration ackTimeout, boolean reconnect, boolean resendUnacked,
                    Duration giveUpAfter) {
        static Settings chatter(Duration every) {
            return new Settings(every, Duration.ofSeconds(5), true, true, Duration.ofSeconds(45));
        }

        static Settings listener() {
            return new Settings(null, null, true, true, Duration.ofSeconds(45));
        }

        /** Stays away once its connection is lost: what presence must forget. */
        static Settings ghost() {
            return new Settings(null, null, false, false, Duration.ZERO);
        }
    }

    /** Something from connection {@code connection}; {@code message} null = it closed. */
    private record Event(int connection, MessageLite message) {
    }

    private record Pending(long room, String text, long sentNanos) {
    }

    /** An attempt failed: the connection closed, a reply did not come, or a request was refused. */
    private static final class AttemptFailed extends Exception {
        AttemptFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final String name;
    private final String password;
    private final int index;
    private final List<Long> rooms;
    private final Settings settings;
    private final EventLoopGroup group;
    private final Supplier<List<ClusterHarness.Node>> reachable;
    private final LinkedBlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;

    // player thread only
    private volatile ParleyConnection conn; // read by finish() and close()
    private int connection;
    private String sessionToken;
    private final Map<Long, Long> lastSeen = new HashMap<>();
    /** Rooms whose resume on the current connection is under way: their messages wait in {@link #held}. */
    private final Set<Long> resuming = new HashSet<>();
    private final List<Receipt> held = new ArrayList<>();
    private final LinkedHashMap<Long, Pending> unacked = new LinkedHashMap<>();
    /** Own messages shown: client_msg_id to seq, to recognise the server's answer to a resend. */
    private final Map<Long, Long> ownSeq = new HashMap<>();
    /** The client_msg_ids sent more than once. */
    private final Set<Long> resent = new HashSet<>();
    private long nextCmid = 1 + ThreadLocalRandom.current().nextLong(1L << 40);
    private int said;
    private long lastSentNanos = System.nanoTime();

    // recorded: guarded by this
    private final List<Receipt> receipts = new ArrayList<>();
    private final List<Resume> resumes = new ArrayList<>();
    private final Map<Long, Long> joinedAt = new HashMap<>();
    private final List<String> journal = new ArrayList<>();

    // progress, any thread
    private volatile boolean sending;
    private volatile boolean stopping;
    private volatile boolean online;
    private volatile String node = "-";
    private volatile Throwable failure;
    private final Map<Long, Set<String>> members = new ConcurrentHashMap<>();
    private final Map<Long, Long> shown = new ConcurrentHashMap<>();
    private final AtomicInteger unackedCount = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();

    /**
     * @param index     spreads the players over the nodes: the first login goes to node {@code index % nodes}
     * @param reachable the nodes a connection may be tried on now
     */
    ChaosPlayer(String name, int index, List<Long> rooms, Settings settings, EventLoopGroup group,
                Supplier<List<ClusterHarness.Node>> reachable) {
        this.name = name;
        this.password = "pw-" + name;
        this.index = index;
        this.rooms = List.copyOf(rooms);
        this.settings = settings;
        this.group = group;
        this.reachable = reachable;
        this.thread = new Thread(this::run, "chaos-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts the player's thread: it logs in and joins; {@link #awaitReady} waits for that. */
    void begin() {
        thread.start();
    }

    /** Waits until the player is in its rooms; throws if it could not get there. */
    void awaitReady(Duration timeout) throws InterruptedException {
        if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not get into its rooms within " + timeout.toSeconds() + " s: "
                    + (failure != null ? failure : "") + "\n" + journal());
        }
        if (failure != null) {
            throw new IllegalStateException(name + " could not start: " + failure + "\n" + journal(), failure);
        }
    }

    String name() {
        return name;
    }

    void sending(boolean on) {
        sending = on;
    }

    boolean online() {
        return online;
    }

    /** The node the player is (or was last) connected to. */
    String node() {
        return node;
    }

    int unacked() {
        return unackedCount.get();
    }

    int acked() {
        return acked.get();
    }

    int refused() {
        return refused.get();
    }

    int reconnects() {
        return reconnects.get();
    }

    /** The highest seq of {@code room} the player has shown, 0 if none. */
    long shown(long room) {
        return shown.getOrDefault(room, 0L);
    }

    /** The member names of {@code room} as the player's connection knows them (join, then notices). */
    Set<String> members(long room) {
        return Set.copyOf(members.getOrDefault(room, Set.of()));
    }

    Throwable failure() {
        return failure;
    }

    synchronized String journal() {
        return name + "'s journal:\n    " + String.join("\n    ", journal);
    }

    /**
     * Stops the player and returns its record; the rooms it is still connected in count as live
     * at the end.
     */
    ClientRecord finish() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(20));
        boolean live = online && conn != null && conn.isOpen();
        close();
        synchronized (this) {
            return new ClientRecord(name, receipts, resumes, joinedAt, live ? Set.copyOf(rooms) : Set.of());
        }
    }

    @Override
    public void close() {
        stopping = true;
        ParleyConnection c = conn;
        if (c != null) {
            c.close();
        }
    }

    // ---- the player thread ----

    private void run() {
        try {
            List<ClusterHarness.Node> nodes = reachable.get();
            ClusterHarness.Node first = nodes.get(index % nodes.size());
            for (int attempt = 1; ; attempt++) {
                try {
                    session(first, false);
                    break;
                } catch (AttemptFailed | IOException e) {
                    if (attempt == 5) {
                        throw new IllegalStateException("first login on " + first + " failed: " + e.getMessage(), e);
                    }
                    note("first login on " + first.id + " failed: " + e.getMessage());
                    conn.close();
                    Thread.sleep(200L * attempt); // a busy node: back off, then the same node again
                }
            }
            ready.countDown();
            loop();
        } catch (Throwable t) {
            failure = t;
            note("FAILED: " + t);
        } finally {
            ready.countDown();
            online = false;
        }
    }

    private void loop() throws InterruptedException {
        long nextSend = System.nanoTime();
        while (!stopping) {
            long now = System.nanoTime();
            if (sending && settings.sendEvery() != null && online && now >= nextSend && unacked.size() < MAX_UNACKED) {
                say();
                long every = settings.sendEvery().toNanos();
                nextSend = now + every / 2 + ThreadLocalRandom.current().nextLong(every);
            }
            if (online && now - lastSentNanos > PING_EVERY.toNanos()) {
                send(PingRequest.newBuilder().setNonce(now).build());
            }
            if (online && stalled(now)) {
                note("no echo within " + settings.ackTimeout().toMillis() + " ms on " + node + ": leaving it");
                dropAndReconnect();
                continue;
            }
            Event e = inbox.poll(20, TimeUnit.MILLISECONDS);
            if (e == null || e.connection() != connection) {
                continue; // a connection given up already
            }
            if (e.message() == null) {
                note("connection " + connection + " to " + node + " closed");
                dropAndReconnect();
                if (!online && !settings.reconnect()) {
                    return;
                }
            } else {
                handle(e.message());
            }
        }
    }

    private boolean stalled(long now) {
        if (settings.ackTimeout() == null || unacked.isEmpty()) {
            return false;
        }
        return now - unacked.values().iterator().next().sentNanos() > settings.ackTimeout().toNanos();
    }

    private void say() {
        long room = rooms.get(said % rooms.size());
        String text = name + " #" + (++said);
        long cmid = nextCmid++;
        unacked.put(cmid, new Pending(room, text, System.nanoTime()));
        unackedCount.set(unacked.size());
        send(ChatRequest.newBuilder().setRoomId(room).setText(text).setClientMsgId(cmid).build());
    }

    private void send(MessageLite m) {
        lastSentNanos = System.nanoTime();
        conn.send(m);
    }

    private void dropAndReconnect() throws InterruptedException {
        online = false;
        if (conn != null) {
            conn.close();
        }
        if (!settings.reconnect()) {
            note("gone for good (no reconnect)");
            return;
        }
        String previous = node;
        long deadline = System.nanoTime() + settings.giveUpAfter().toNanos();
        long backoff = 100;
        int attempt = 0;
        while (!stopping && System.nanoTime() < deadline) {
            for (ClusterHarness.Node n : candidates(previous, attempt++)) {
                try {
                    session(n, true);
                    reconnects.incrementAndGet();
                    return;
                } catch (AttemptFailed | IOException e) {
                    note("reconnect to " + n.id + " failed: " + e.getMessage());
                    if (conn != null) {
                        conn.close();
                    }
                }
                if (stopping) {
                    return;
                }
            }
            Thread.sleep(backoff); // between rounds over the nodes: a backoff, not a timing
            backoff = Math.min(backoff * 2, 1000);
        }
        note("gave up reconnecting");
    }

    /** The reachable nodes, others than {@code previous} first, rotated by player and attempt. */
    private List<ClusterHarness.Node> candidates(String previous, int attempt) {
        List<ClusterHarness.Node> all = new ArrayList<>(reachable.get());
        List<ClusterHarness.Node> others = new ArrayList<>(all.stream().filter(n -> !n.id.equals(previous)).toList());
        if (!others.isEmpty()) {
            java.util.Collections.rotate(others, -((index + attempt) % others.size()));
        }
        all.stream().filter(n -> n.id.equals(previous)).forEach(others::add);
        return others;
    }

    /** Connects to {@code n}, logs in, (re)joins every room; on success the player is online there. */
    private void session(ClusterHarness.Node n, boolean resume) throws AttemptFailed, IOException, InterruptedException {
        int c = ++connection;
        resuming.clear();
        held.clear();
        conn = ParleyConnection.connect(group, "127.0.0.1", n.port, new ParleyConnection.Listener() {
            @Override
            public void onMessage(MessageLite message) {
                inbox.add(new Event(c, message));
            }

            @Override
            public void onClosed(Throwable cause) {
                inbox.add(new Event(c, null));
            }
        });
        node = n.id;
        login();
        for (long room : rooms) {
            if (resume && lastSeen.containsKey(room)) {
                rejoin(room, c);
            } else {
                join(room);
            }
        }
        online = true;
        note("connection " + c + " on " + n.id + (resume ? " resumed " + lastSeen : " joined " + lastSeen));
        if (!unacked.isEmpty()) {
            if (settings.resendUnacked()) {
                note("sending again " + unacked.size() + " without an echo: cmids " + unacked.keySet());
                resent.addAll(unacked.keySet());
                for (Map.Entry<Long, Pending> p : unacked.entrySet()) {
                    p.setValue(new Pending(p.getValue().room(), p.getValue().text(), System.nanoTime()));
                    send(ChatRequest.newBuilder().setRoomId(p.getValue().room()).setText(p.getValue().text())
                            .setClientMsgId(p.getKey()).build());
                }
            } else {
                unacked.clear();
                unackedCount.set(0);
            }
        }
    }

    private void login() throws AttemptFailed, InterruptedException {
        if (sessionToken != null) {
            send(LoginRequest.newBuilder().setToken(sessionToken).build());
            LoginResponse r = loginReply();
            if (r.getResult() == Result.OK) {
                loggedIn(r);
                return;
            }
            note("session token refused: " + r.getResult() + " " + r.getReason());
        }
        send(LoginRequest.newBuilder().setName(name).setPassword(password).build());
        LoginResponse r = loginReply();
        if (r.getResult() != Result.OK) {
            throw new AttemptFailed("login refused: " + r.getResult() + " " + r.getReason());
        }
        loggedIn(r);
    }

    private LoginResponse loginReply() throws AttemptFailed, InterruptedException {
        MessageLite m = await(x -> x instanceof LoginResponse || isError(x, MsgType.LOGIN_REQUEST), "the login");
        if (m instanceof ErrorNotify e) {
            return LoginResponse.newBuilder().setResult(e.getResult()).setReason(e.getReason()).build();
        }
        return (LoginResponse) m;
    }

    private void loggedIn(LoginResponse r) {
        if (!r.getSessionToken().isEmpty()) {
            sessionToken = r.getSessionToken();
        }
    }

    private JoinRoomResponse joinReply(JoinRoomRequest request) throws AttemptFailed, InterruptedException {
        send(request);
        MessageLite m = await(x -> x instanceof JoinRoomResponse || isError(x, MsgType.JOIN_ROOM_REQUEST),
                "the join of room " + request.getRoomId());
        JoinRoomResponse r = m instanceof JoinRoomResponse j ? j : null;
        if (r == null || r.getResult() != Result.OK) {
            throw new AttemptFailed("join of room " + request.getRoomId() + " refused: " + m);
        }
        members.put(request.getRoomId(), ConcurrentHashMap.newKeySet());
        r.getMembersList().forEach(x -> members.get(request.getRoomId()).add(x.getName()));
        return r;
    }

    /** The first join: its recent is context; the membership starts after its last message. */
    private void join(long room) throws AttemptFailed, InterruptedException {
        JoinRoomResponse r = joinReply(JoinRoomRequest.newBuilder().setRoomId(room).build());
        long at = r.getRecentCount() == 0 ? 0 : r.getRecent(r.getRecentCount() - 1).getSeq();
        synchronized (this) {
            joinedAt.putIfAbsent(room, at);
        }
        lastSeen.put(room, at);
        List<Receipt> recent = r.getRecentList().stream().map(m -> receipt(m, Source.RECENT)).toList();
        commit(room, recent);
    }

    /** A resume: recent after last_seen_seq, the gap paged from history, shown together once complete. */
    private void rejoin(long room, int c) throws AttemptFailed, InterruptedException {
        long after = lastSeen.get(room);
        resuming.add(room);
        JoinRoomResponse r = joinReply(JoinRoomRequest.newBuilder().setRoomId(room).setLastSeenSeq(after).build());
        long before = r.getRecentCount() == 0 ? Long.MAX_VALUE : r.getRecent(0).getSeq();
        synchronized (this) {
            resumes.add(new Resume(room, c, after, before));
        }
        List<Receipt> parts = new ArrayList<>();
        r.getRecentList().forEach(m -> parts.add(receipt(m, Source.RECENT)));
        if (r.getHasGap()) {
            parts.addAll(0, page(room, after, before));
        }
        resuming.remove(room);
        // the live messages that came meanwhile follow the resume's
        List<Receipt> live = held.stream().filter(x -> x.msg().room() == room).toList();
        held.removeAll(live);
        parts.addAll(live);
        commit(room, parts);
    }

    private List<Receipt> page(long room, long after, long before) throws AttemptFailed, InterruptedException {
        List<Receipt> out = new ArrayList<>();
        long from = after;
        int busy = 0;
        while (true) {
            HistoryRequest.Builder q = HistoryRequest.newBuilder().setRoomId(room).setAfterSeq(from).setLimit(HISTORY_PAGE);
            if (before != Long.MAX_VALUE) {
                q.setBeforeSeq(before);
            }
            send(q.build());
            MessageLite m = await(x -> x instanceof HistoryResponse || isError(x, MsgType.HISTORY_REQUEST),
                    "history of room " + room + " after " + from);
            Result result = m instanceof HistoryResponse h ? h.getResult() : ((ErrorNotify) m).getResult();
            if (result == Result.SERVER_BUSY && ++busy < 10) {
                awaitQuietly(Duration.ofMillis(200L * busy)); // the messages may still be on their way to the database
                continue;
            }
            if (result != Result.OK) {
                throw new AttemptFailed("history of room " + room + " refused: " + m);
            }
            HistoryResponse h = (HistoryResponse) m;
            h.getMessagesList().forEach(x -> out.add(receipt(x, Source.HISTORY)));
            if (!h.getHasMore() || h.getMessagesCount() == 0) {
                return out;
            }
            from = h.getMessages(h.getMessagesCount() - 1).getSeq();
        }
    }

    /** Waits for the reply {@code match}; everything else of the connection is handled meanwhile. */
    private MessageLite await(Predicate<MessageLite> match, String what) throws AttemptFailed, InterruptedException {
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopping) {
                throw new AttemptFailed("no answer to " + what + " within " + REPLY_TIMEOUT.toSeconds() + " s");
            }
            Event e = inbox.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (e == null || e.connection() != connection) {
                continue;
            }
            if (e.message() == null) {
                throw new AttemptFailed("the connection closed waiting for " + what);
            }
            if (match.test(e.message())) {
                return e.message();
            }
            handle(e.message());
        }
    }

    /** Handles what comes for {@code d}, without waiting for anything in particular. */
    private void awaitQuietly(Duration d) throws AttemptFailed, InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Event e = inbox.poll(left, TimeUnit.NANOSECONDS);
            if (e != null && e.connection() == connection) {
                if (e.message() == null) {
                    throw new AttemptFailed("the connection closed");
                }
                handle(e.message());
            }
        }
    }

    private static boolean isError(MessageLite m, MsgType type) {
        return m instanceof ErrorNotify e && e.getRequestType() == type;
    }

    private void handle(MessageLite m) {
        if (m instanceof ChatNotify c) {
            if (isDedupAnswer(c)) {
                // the server's dedup window answered a resend with the original, which the resume showed
                // already: an acknowledgement to this client alone, not a second delivery
                if (unacked.remove(c.getClientMsgId()) != null) {
                    acked.incrementAndGet();
                    unackedCount.set(unacked.size());
                }
                note("resend of cmid " + c.getClientMsgId() + " answered with the original, seq " + c.getSeq());
                return;
            }
            Receipt r = receipt(c, Source.LIVE);
            if (resuming.contains(c.getRoomId())) {
                held.add(r);
            } else {
                commit(c.getRoomId(), List.of(r));
            }
        } else if (m instanceof MemberJoinedNotify j) {
            members.computeIfAbsent(j.getRoomId(), k -> ConcurrentHashMap.newKeySet()).add(j.getMember().getName());
        } else if (m instanceof MemberLeftNotify l) {
            members.computeIfAbsent(l.getRoomId(), k -> ConcurrentHashMap.newKeySet()).remove(l.getMember().getName());
        } else if (m instanceof ErrorNotify e) {
            if (e.getRequestType() == MsgType.CHAT_REQUEST && unacked.remove(e.getClientMsgId()) != null) {
                unackedCount.set(unacked.size());
                refused.incrementAndGet();
                note("chat cmid " + e.getClientMsgId() + " refused: " + e.getResult() + " " + e.getReason());
            } else {
                note("error notice: " + e.getResult() + " " + e.getReason() + " (request " + e.getRequestType() + ")");
            }
        }
    }

    /** An echo of a resent message of ours with the very seq it was shown with before. */
    private boolean isDedupAnswer(ChatNotify c) {
        return c.getSender().getName().equals(name) && resent.contains(c.getClientMsgId())
                && Long.valueOf(c.getSeq()).equals(ownSeq.get(c.getClientMsgId()));
    }

    private Receipt receipt(ChatNotify c, Source source) {
        return new Receipt(new Msg(c.getRoomId(), c.getSeq(), c.getKindValue(), c.getSender().getName(),
                c.getClientMsgId(), c.getText()), source, connection);
    }

    /** Shows {@code parts} of {@code room}: recorded, last seen advanced, own messages acknowledged. */
    private void commit(long room, List<Receipt> parts) {
        synchronized (this) {
            receipts.addAll(parts);
        }
        for (Receipt r : parts) {
            lastSeen.merge(room, r.msg().seq(), Math::max);
            if (r.msg().sender().equals(name) && r.msg().cmid() != 0) {
                ownSeq.putIfAbsent(r.msg().cmid(), r.msg().seq());
                if (unacked.remove(r.msg().cmid()) != null) {
                    acked.incrementAndGet();
                }
            }
        }
        unackedCount.set(unacked.size());
        shown.put(room, lastSeen.getOrDefault(room, 0L));
    }

    private synchronized void note(String line) {
        if (journal.size() < JOURNAL_MAX) {
            journal.add(String.format("%.3f %s", System.nanoTime() / 1e9 % 10_000, line));
        }
    }

    @Override
    public String toString() {
        return name + "@" + node + (online ? "" : " (offline)") + " shown " + shown + " acked " + acked + " unacked "
                + unacked() + " refused " + refused + " reconnects " + reconnects;
    }
}
