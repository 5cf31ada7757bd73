package dev.parley.chatlog;

import dev.parley.chatlog.ChatLogSettings.Timing;
import dev.parley.chatlog.MemorySink.Mode;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.testing.StoredMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batched chat log and its writer against an in-memory {@link MemorySink} that fails,
 * hangs or slows down on demand, with the writer's timing shrunk from seconds to milliseconds.
 * The same behaviour against real databases: {@link ChatLogContract}, {@link DatabaseOutageTest}.
 */
@Timeout(30)
class BatchedChatLogTest {

    /** The production timing ({@link Timing#DEFAULT}) divided by ten to a hundred. */
    static final Timing FAST = new Timing(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(2),
            Duration.ofMillis(20));
    static final Duration FLUSH = Duration.ofMillis(1);
    /** Never flushes by itself within a test: what is appended stays queued until close. */
    static final Duration NEVER = Duration.ofSeconds(60);
    static final int WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    final MemorySink sink = new MemorySink();
    MeterRegistry meters;
    private final List<ChatLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        sink.mode(Mode.STORE); // a hung insert must not outlive the test
        opened.forEach(ChatLog::close);
    }

    ChatLogSettings settings(boolean sync, int capacity, Duration flush) {
        return new ChatLogSettings(dir, flush, sync, capacity, FAST);
    }

    BatchedChatLog open(ChatLogSettings settings) throws IOException {
        meters = new SimpleMeterRegistry();
        BatchedChatLog log = BatchedChatLog.open(settings, sink, meters);
        opened.add(log);
        return log;
    }

    double count(String meter) {
        return meters.get(meter).counter().count();
    }

    static void appendAll(ChatLog log, StoredSeq room, List<ChatNotify> messages) {
        for (ChatNotify m : messages) {
            assertThat(log.append(room, m, null)).as("accepted seq %d", m.getSeq()).isTrue();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        StoredMessages.await(what, WAIT_SECONDS, condition);
    }

    /** A room's StoredSeq never claims more than the sink holds (read in this order: it only grows). */
    boolean consistent(long roomId, StoredSeq stored) {
        long claimed = stored.get();
        assertThat(claimed).as("StoredSeq of room %d", roomId).isLessThanOrEqualTo(sink.contiguousSeq(roomId));
        return true;
    }

    static List<ChatNotify> interleave(List<ChatNotify> a, List<ChatNotify> b) {
        List<ChatNotify> out = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < a.size()) {
                out.add(a.get(i));
            }
            if (i < b.size()) {
                out.add(b.get(i));
            }
        }
        return out;
    }

    @Test
    void anOutageIsRetriedThenSpilledThenReplayedInOrderWithNothingLostOrDuplicated() throws Exception {
        BatchedChatLog log = open(settings(false, 1000, FLUSH));
        StoredSeq one = log.openRoom(1, 0);
        StoredSeq two = log.openRoom(2, 0);
        List<ChatNotify> all = new ArrayList<>();

        List<ChatNotify> before = interleave(SpillFileTest.messages(1, 1, 50), SpillFileTest.messages(2, 1, 50));
        for (ChatNotify m : before) {
            assertThat(log.append(m.getRoomId() == 1 ? one : two, m, null)).isTrue();
        }
        all.addAll(before);
        await("the first messages to be stored", () -> one.get() == 50 && two.get() == 50);

        sink.mode(Mode.FAIL);
        List<ChatNotify> during = interleave(SpillFileTest.messages(1, 51, 100), SpillFileTest.messages(2, 51, 100));
        for (ChatNotify m : during) {
            assertThat(log.append(m.getRoomId() == 1 ? one : two, m, null)).isTrue();
        }
        all.addAll(during);
        await("every message of the outage to be spilled", () -> count("parley.chatlog.spilled") == during.size());
        assertThat(count("parley.chatlog.retries")).as("retried before spilling").isPositive();
        assertThat(one.get()).as("a spilled message is not stored").isEqualTo(50);
        assertThat(two.get()).isEqualTo(50);
        assertThat(sink.stored()).isEqualTo(before);

        sink.mode(Mode.STORE);
        List<ChatNotify> after = interleave(SpillFileTest.messages(1, 151, 50), SpillFileTest.messages(2, 151, 50));
        for (ChatNotify m : after) {
            assertThat(log.append(m.getRoomId() == 1 ? one : two, m, null)).isTrue();
        }
        all.addAll(after);
        await("everything to be stored", () -> consistent(1, one) && consistent(2, two)
                && one.get() == 200 && two.get() == 200);
        // first in, first out across the spill file: stored in the order accepted, each once
        assertThat(sink.stored()).isEqualTo(all);
        assertThat(count("parley.chatlog.replayed")).isGreaterThanOrEqualTo(during.size());
        assertThat(count("parley.chatlog.written")).isEqualTo(count("parley.chatlog.replayed") + before.size()
                + after.size() - (count("parley.chatlog.spilled") - during.size()));
        await("the spill file to be emptied", () -> meters.get("parley.chatlog.spill.pending").gauge().value() == 0);
    }

    @Test
    void aHungInsertIsSpilledAfterItsTimeAndReplayedOnceTheSinkAnswers() throws Exception {
        BatchedChatLog log = open(settings(false, 1000, FLUSH));
        StoredSeq room = log.openRoom(1, 0);
        sink.mode(Mode.HANG);
        long started = System.nanoTime();
        appendAll(log, room, SpillFileTest.messages(1, 1, 20));
        await("the hung batch to be spilled", () -> count("parley.chatlog.spilled") == 20);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("spilled for time, not queue size")
                .isGreaterThanOrEqualTo(FAST.spillAfter());
        assertThat(sink.hanging()).as("the insert still hangs").isEqualTo(1);

        appendAll(log, room, SpillFileTest.messages(1, 21, 20));
        await("later messages to follow into the spill file", () -> count("parley.chatlog.spilled") == 40);
        assertThat(room.get()).isZero();

        sink.mode(Mode.STORE); // the hung insert commits late; the replay stores it again, harmlessly
        await("everything to be stored", () -> consistent(1, room) && room.get() == 40);
        assertThat(sink.stored()).isEqualTo(SpillFileTest.messages(1, 1, 40));
    }

    @Test
    void closeEndsWithinItsDeadlineWhileAnInsertHangsAndSpillsWhatWaits() throws Exception {
        Timing patientSpill = new Timing(Duration.ofSeconds(60), FAST.closeDeadline(), FAST.minBackoff(),
                FAST.maxBackoff());
        BatchedChatLog log = open(settings(false, 1000, FLUSH).withTiming(patientSpill));
        StoredSeq room = log.openRoom(1, 0);
        sink.mode(Mode.HANG);
        appendAll(log, room, SpillFileTest.messages(1, 1, 30));
        await("the insert to hang", () -> sink.hanging() == 1);
        appendAll(log, room, SpillFileTest.messages(1, 31, 30));

        long started = System.nanoTime();
        log.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("waited for the database until the deadline").isGreaterThanOrEqualTo(FAST.closeDeadline());
        assertThat(took).as("and not much longer").isLessThan(FAST.closeDeadline().plusSeconds(3));
        assertThat(dir.resolve(BatchedChatLog.MARKER)).as("a clean shutdown").doesNotExist();
        assertThat(log.append(room, SpillFileTest.messages(1, 61, 1).get(0), null)).as("closed").isFalse();
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.SPILL))) {
            assertThat(spill.read(1000).messages()).isEqualTo(SpillFileTest.messages(1, 1, 60));
        }
        assertThat(sink.stored()).isEmpty();
    }

    @Test
    void closeWithTheSinkDownSpillsEverythingAndTheNextStartReplaysItFirst() throws Exception {
        BatchedChatLog first = open(settings(false, 1000, NEVER));
        StoredSeq room = first.openRoom(1, 0);
        appendAll(first, room, SpillFileTest.messages(1, 1, 100));
        sink.mode(Mode.FAIL);
        first.close();
        assertThat(dir.resolve(BatchedChatLog.MARKER)).as("a clean shutdown").doesNotExist();
        assertThat(dir.resolve(BatchedChatLog.SPILL)).exists();
        assertThat(sink.stored()).isEmpty();

        sink.mode(Mode.STORE);
        BatchedChatLog second = open(settings(false, 1000, FLUSH));
        assertThat(sink.stored()).as("replayed before open returns").isEqualTo(SpillFileTest.messages(1, 1, 100));
        assertThat(second.continueSeq(100)).as("no crash, no skip").isEqualTo(100);
        second.close();
        assertThat(dir.resolve(BatchedChatLog.SPILL)).as("replayed and removed").doesNotExist();
    }

    @Test
    void aSpillFileLeftByACrashedRunIsReplayedAtStartAndItsSeqNumbersAreSkipped() throws Exception {
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.SPILL))) {
            spill.append(SpillFileTest.messages(3, 1, 7000)); // more than one replay chunk
            spill.append(SpillFileTest.messages(4, 1, 10));
        }
        Files.writeString(dir.resolve(BatchedChatLog.MARKER), "1234", StandardCharsets.US_ASCII);

        BatchedChatLog log = open(settings(false, 1000, FLUSH));
        List<ChatNotify> expected = new ArrayList<>(SpillFileTest.messages(3, 1, 7000));
        expected.addAll(SpillFileTest.messages(4, 1, 10));
        assertThat(sink.stored()).isEqualTo(expected);
        assertThat(log.continueSeq(7000)).as("the crashed run may have handed out seqs it never stored")
                .isEqualTo(7000 + 1234);
        assertThat(Files.size(dir.resolve(BatchedChatLog.SPILL))).isZero();
    }

    @Test
    void aSpillFileThatCannotBeReplayedAtStartIsKeptAndOpenFails() throws Exception {
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.SPILL))) {
            spill.append(SpillFileTest.messages(3, 1, 10));
        }
        sink.mode(Mode.FAIL);
        assertThatThrownBy(() -> open(settings(false, 1000, FLUSH)))
                .isInstanceOf(IOException.class).hasMessageContaining("it is kept");
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.SPILL))) {
            assertThat(spill.read(100).messages()).isEqualTo(SpillFileTest.messages(3, 1, 10));
        }
        sink.mode(Mode.STORE);
        open(settings(false, 1000, FLUSH));
        assertThat(sink.stored()).isEqualTo(SpillFileTest.messages(3, 1, 10));
    }

    @Test
    void theCrashMarkerSaysHowManySeqNumbersTheNextRunSkips() throws Exception {
        Path async = dir.resolve("async");
        Path sync = dir.resolve("sync");
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(async);
        Files.createDirectories(sync);
        Files.createDirectories(crashed);
        BatchedChatLog asyncLog = open(new ChatLogSettings(async, FLUSH, false, 100, FAST));
        BatchedChatLog syncLog = open(new ChatLogSettings(sync, FLUSH, true, 100, FAST));
        assertThat(asyncLog.continueSeq(5)).as("a first start").isEqualTo(5);
        // async: what the queue and one batch held may be lost; sync: nothing unstored was seen
        assertThat(Files.readString(async.resolve(BatchedChatLog.MARKER))).isEqualTo("" + (100 + ChatLogWriter.MAX_BATCH));
        assertThat(Files.readString(sync.resolve(BatchedChatLog.MARKER))).isEqualTo("0");

        // the async run "crashes": a copy of its data directory still has the marker
        Files.copy(async.resolve(BatchedChatLog.MARKER), crashed.resolve(BatchedChatLog.MARKER));
        asyncLog.close();
        syncLog.close();
        assertThat(async.resolve(BatchedChatLog.MARKER)).as("removed by a clean shutdown").doesNotExist();
        BatchedChatLog afterCrash = open(new ChatLogSettings(crashed, FLUSH, false, 100, FAST));
        assertThat(afterCrash.continueSeq(5)).isEqualTo(5 + 100 + ChatLogWriter.MAX_BATCH);
        afterCrash.close();

        Files.writeString(crashed.resolve(BatchedChatLog.MARKER), "garbage");
        BatchedChatLog unreadable = open(new ChatLogSettings(crashed, FLUSH, false, 100, FAST));
        assertThat(unreadable.continueSeq(5)).isEqualTo(5 + BatchedChatLog.UNREADABLE_MARKER_SKIP);
    }

    @Test
    void syncModeAcknowledgesInQueueOrderOnlyOnceCommitted() throws Exception {
        Timing patientSpill = new Timing(Duration.ofSeconds(60), FAST.closeDeadline(), FAST.minBackoff(),
                FAST.maxBackoff());
        BatchedChatLog log = open(settings(true, 1000, FLUSH).withTiming(patientSpill));
        assertThat(log.sync()).isTrue();
        StoredSeq room = log.openRoom(1, 0);
        List<String> acks = Collections.synchronizedList(new ArrayList<>());
        sink.mode(Mode.HANG);
        List<ChatNotify> messages = SpillFileTest.messages(1, 1, 20);
        for (ChatNotify m : messages) {
            // what the room does on this callback: deliver; so the message must be stored by then
            assertThat(log.append(room, m, () -> acks.add(m.getSeq() + (sink.contains(m) ? "" : " not stored")
                    + (room.get() >= m.getSeq() ? "" : " not in StoredSeq")))).isTrue();
        }
        await("the insert to hang", () -> sink.hanging() == 1);
        assertThat(acks).as("nothing acknowledged while the commit is pending").isEmpty();

        sink.mode(Mode.STORE);
        await("every message to be acknowledged", () -> acks.size() == messages.size());
        List<String> expected = messages.stream().map(m -> Long.toString(m.getSeq())).toList();
        assertThat(acks).isEqualTo(expected);
    }

    @Test
    void syncModeAcknowledgesAForcedSpillWhenTheSinkIsDown() throws Exception {
        BatchedChatLog log = open(settings(true, 1000, FLUSH));
        StoredSeq room = log.openRoom(1, 0);
        List<String> acks = Collections.synchronizedList(new ArrayList<>());
        sink.mode(Mode.FAIL);
        List<ChatNotify> messages = SpillFileTest.messages(1, 1, 10);
        for (ChatNotify m : messages) {
            assertThat(log.append(room, m, () -> acks.add(m.getSeq()
                    + (count("parley.chatlog.spilled") >= m.getSeq() ? " spilled" : " neither stored nor spilled")))).isTrue();
        }
        await("every message to be acknowledged", () -> acks.size() == messages.size());
        assertThat(acks).isEqualTo(messages.stream().map(m -> m.getSeq() + " spilled").toList());
        assertThat(room.get()).isZero();

        sink.mode(Mode.STORE);
        await("the spill file to be replayed", () -> consistent(1, room) && room.get() == 10);
        assertThat(sink.stored()).isEqualTo(messages);
    }

    @Test
    void aFullQueueRefusesMessagesAndCloseStillStoresEveryAcceptedOne() throws Exception {
        BatchedChatLog log = open(settings(false, 10, NEVER));
        StoredSeq room = log.openRoom(1, 0);
        List<ChatNotify> messages = SpillFileTest.messages(1, 1, 11);
        appendAll(log, room, messages.subList(0, 10));
        assertThat(meters.get("parley.chatlog.queued").gauge().value()).isEqualTo(10);
        assertThat(log.append(room, messages.get(10), null)).as("the queue is full").isFalse();
        assertThat(count("parley.chatlog.refused")).isEqualTo(1);
        assertThat(sink.stored()).as("nothing flushed yet").isEmpty();

        log.close();
        assertThat(sink.stored()).as("close drains the queue into the sink").isEqualTo(messages.subList(0, 10));
        assertThat(room.get()).isEqualTo(10);
        assertThat(dir.resolve(BatchedChatLog.SPILL)).doesNotExist();
        assertThat(dir.resolve(BatchedChatLog.MARKER)).doesNotExist();
    }

    @Test
    void aSlowSinkFallsBehindWithoutLosingOrReorderingAnything() throws Exception {
        BatchedChatLog log = open(settings(false, 200, FLUSH));
        StoredSeq room = log.openRoom(1, 0);
        sink.delayMillis(30);
        List<ChatNotify> messages = SpillFileTest.messages(1, 1, 3000);
        int refused = 0;
        for (ChatNotify m : messages) {
            // a refused message has no seq yet; the room would hand the same one to the next request
            while (!log.append(room, m, null)) {
                refused++;
                Thread.onSpinWait();
            }
        }
        await("everything to be stored", () -> consistent(1, room) && room.get() == messages.size());
        assertThat(sink.stored()).isEqualTo(messages);
        assertThat(meters.get("parley.chatlog.batch.size").summary().count()).as("transactions, for %d refusals", refused)
                .isLessThan(messages.size() / 10);
    }
}
