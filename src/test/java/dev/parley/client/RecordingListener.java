package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.MemberJoinedNotify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ParleyListener} for tests: every event becomes a line ({@code chat 3 alice: m3},
 * {@code lost}, {@code restored lobby missed 4..10}, ...) in arrival order, and a test waits for
 * the line it expects. It also checks that every call comes on the client thread.
 */
final class RecordingListener implements ParleyListener {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<String> events = new ArrayList<>();
    /** The seqs of chat delivered: live ones and those a resume reported, in order. */
    private final List<Long> chatSeqs = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    /** The same, per room. */
    private final java.util.Map<Long, List<Long>> seqsByRoom = new java.util.HashMap<>();

    @Override
    public synchronized void onChat(ChatNotify m) {
        chatSeqs.add(m.getSeq());
        seqsByRoom.computeIfAbsent(m.getRoomId(), k -> new ArrayList<>()).add(m.getSeq());
        add("chat " + m.getSeq() + " " + m.getSender().getName() + ": " + m.getText());
    }

    @Override
    public synchronized void onDirectMessage(DirectMessageNotify m) {
        add("dm " + m.getSeq() + " " + m.getSender().getName() + "->" + m.getRecipient().getName() + ": " + m.getText());
    }

    @Override
    public synchronized void onMemberJoined(MemberJoinedNotify n) {
        add("joined " + n.getMember().getName());
    }

    @Override
    public synchronized void onError(ErrorNotify e) {
        add("error " + e.getResult());
    }

    @Override
    public synchronized void onConnectionLost(Throwable cause, boolean deliberate) {
        add(deliberate ? "reconnecting" : "lost");
    }

    @Override
    public synchronized void onReconnectAttemptFailed(String problem, Duration nextTry) {
        add("retry " + problem);
    }

    @Override
    public synchronized void onConnectionRestored(Resumption r) {
        r.missed().forEach(m -> {
            chatSeqs.add(m.getSeq());
            seqsByRoom.computeIfAbsent(m.getRoomId(), k -> new ArrayList<>()).add(m.getSeq());
        });
        String missed = r.missed().isEmpty() ? "none"
                : r.missed().get(0).getSeq() + ".." + r.missed().get(r.missed().size() - 1).getSeq();
        add("restored " + (r.room() == null ? "-" : r.room().getName()) + " missed " + missed);
    }

    @Override
    public synchronized void onClosed(ParleyException cause) {
        add("closed " + cause.getMessage());
    }

    private void add(String event) {
        events.add(event);
        threads.add(Thread.currentThread().getName());
        notifyAll();
    }

    /** Waits for the first event matching {@code p}; returns it. */
    synchronized String await(Predicate<String> p) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (String e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + TIMEOUT + "; events: " + events);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized String await(String prefix) throws InterruptedException {
        return await(e -> e.startsWith(prefix));
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized List<Long> chatSeqs() {
        return List.copyOf(chatSeqs);
    }

    /** The seqs of room {@code roomId}'s chat delivered, live or by a resume, in order. */
    synchronized List<Long> chatSeqs(long roomId) {
        return List.copyOf(seqsByRoom.getOrDefault(roomId, List.of()));
    }

    /** The names of the threads the events came on. */
    synchronized List<String> threads() {
        return List.copyOf(threads);
    }
}
