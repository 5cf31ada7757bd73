package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The paging of history reads; the requests it sends are recorded and the server's pages fed in by hand. */
class HistoryReaderTest {

    private final List<MessageLite> sent = new ArrayList<>();
    /** The page timers started; running one is its timeout firing. */
    private final List<Runnable> timers = new ArrayList<>();
    private final HistoryReader reader = new HistoryReader(sent::add, (after, onTimeout) -> {
        timers.add(onTimeout);
        return () -> timers.remove(onTimeout);
    }, Duration.ofSeconds(5));

    private static ChatNotify m(long seq) {
        return ChatNotify.newBuilder().setRoomId(7).setSeq(seq).setText("m" + seq)
                .setSender(Member.newBuilder().setPlayerId(1).setName("a")).build();
    }

    private static HistoryResponse page(long from, long to, boolean hasMore) {
        HistoryResponse.Builder b = HistoryResponse.newBuilder().setResult(Result.OK).setRoomId(7).setHasMore(hasMore);
        LongStream.rangeClosed(from, to).forEach(s -> b.addMessages(m(s)));
        return b.build();
    }

    private static List<Long> seqs(CompletableFuture<List<ChatNotify>> read) {
        return read.join().stream().map(ChatNotify::getSeq).toList();
    }

    private HistoryRequest lastSent() {
        return (HistoryRequest) sent.get(sent.size() - 1);
    }

    @Test
    void theLatestMessagesArePagedBackwardsAndComeBackAscending() {
        CompletableFuture<List<ChatNotify>> read = reader.latest(7, 12);
        assertThat(lastSent()).isEqualTo(HistoryRequest.newBuilder().setRoomId(7).setLimit(12).build());
        assertThat(reader.offer(page(116, 120, true))).isTrue(); // the server's page is smaller than asked
        assertThat(lastSent()).isEqualTo(HistoryRequest.newBuilder().setRoomId(7).setBeforeSeq(116).setLimit(7).build());
        reader.offer(page(111, 115, true));
        assertThat(lastSent()).isEqualTo(HistoryRequest.newBuilder().setRoomId(7).setBeforeSeq(111).setLimit(2).build());
        assertThat(read).isNotDone();
        reader.offer(page(109, 110, true));
        assertThat(seqs(read)).isEqualTo(LongStream.rangeClosed(109, 120).boxed().toList());
        assertThat(sent).hasSize(3);
    }

    @Test
    void aBackwardsReadEndsWithTheRoomsFirstMessage() {
        CompletableFuture<List<ChatNotify>> read = reader.latest(7, 50);
        reader.offer(page(3, 8, true));
        reader.offer(page(1, 2, false));
        assertThat(seqs(read)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        CompletableFuture<List<ChatNotify>> empty = reader.latest(7, 5);
        reader.offer(HistoryResponse.newBuilder().setResult(Result.OK).setRoomId(7).build());
        assertThat(empty.join()).isEmpty();
    }

    @Test
    void aGapIsPagedForwardsWithinItsBounds() {
        CompletableFuture<List<ChatNotify>> read = reader.between(7, 10, 500L);
        assertThat(lastSent()).isEqualTo(HistoryRequest.newBuilder().setRoomId(7).setAfterSeq(10).setBeforeSeq(500)
                .setLimit(HistoryReader.FORWARD_PAGE).build());
        reader.offer(page(11, 210, true));
        assertThat(lastSent()).isEqualTo(HistoryRequest.newBuilder().setRoomId(7).setAfterSeq(210).setBeforeSeq(500)
                .setLimit(HistoryReader.FORWARD_PAGE).build());
        reader.offer(page(211, 499, false));
        assertThat(seqs(read)).isEqualTo(LongStream.rangeClosed(11, 499).boxed().toList());

        CompletableFuture<List<ChatNotify>> open = reader.between(7, 0, null); // no upper bound
        assertThat(lastSent().hasBeforeSeq()).isFalse();
        assertThat(lastSent().hasAfterSeq()).isTrue();
        reader.offer(page(1, 3, false));
        assertThat(seqs(open)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void readsTakeTurnsSinceAResponseDoesNotSayWhichRequestItAnswers() {
        CompletableFuture<List<ChatNotify>> first = reader.latest(7, 2);
        CompletableFuture<List<ChatNotify>> second = reader.between(7, 4, null);
        assertThat(sent).hasSize(1);
        reader.offer(page(5, 6, true));
        assertThat(seqs(first)).containsExactly(5L, 6L);
        assertThat(sent).hasSize(2);
        assertThat(lastSent().getAfterSeq()).isEqualTo(4);
        reader.offer(page(5, 6, false));
        assertThat(seqs(second)).containsExactly(5L, 6L);
    }

    @Test
    void aRefusalFailsTheReadWithResultAndReason() {
        CompletableFuture<List<ChatNotify>> refused = reader.latest(7, 5);
        CompletableFuture<List<ChatNotify>> next = reader.latest(7, 1);
        reader.offer(HistoryResponse.newBuilder().setResult(Result.NOT_IN_ROOM).setReason("not a member of room 7").build());
        assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(RequestRefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("NOT_IN_ROOM: not a member of room 7");
            assertThat(e.result()).isEqualTo(Result.NOT_IN_ROOM);
        });
        assertThat(sent).as("the next read starts").hasSize(2);
        assertThat(reader.offer(ErrorNotify.newBuilder().setResult(Result.RATE_LIMITED).setReason("slow down")
                .setRequestType(MsgType.HISTORY_REQUEST).build())).isTrue();
        assertThatThrownBy(next::join).cause().hasMessage("RATE_LIMITED: slow down");
        assertThat(reader.offer(PongResponse.getDefaultInstance())).isFalse();
        assertThat(reader.offer(ErrorNotify.newBuilder().setRequestType(MsgType.CHAT_REQUEST).build())).isFalse();
    }

    @Test
    void aClosedConnectionFailsReadsUnderWayAndLaterOnes() {
        CompletableFuture<List<ChatNotify>> waiting = reader.latest(7, 5);
        reader.close(new ConnectionLostException(null));
        assertThatThrownBy(waiting::join).cause().isInstanceOf(ConnectionLostException.class);
        CompletableFuture<List<ChatNotify>> later = reader.latest(7, 5);
        assertThat(later).isCompletedExceptionally();
        assertThat(sent).hasSize(1);
    }

    @Test
    void aTimedOutPageFailsItsReadAndTheNextWaitsForThatPagesLateAnswer() {
        CompletableFuture<List<ChatNotify>> slow = reader.latest(7, 5);
        CompletableFuture<List<ChatNotify>> next = reader.latest(7, 2);
        assertThat(timers).hasSize(1);
        timers.get(0).run();
        assertThatThrownBy(slow::join).cause().isInstanceOf(ReplyTimeoutException.class)
                .hasMessage("no reply from the server within 5 s");
        assertThat(sent).as("the late answer is still to come: no second request yet").hasSize(1);
        assertThat(reader.offer(page(1, 5, false))).isTrue(); // the slow read's answer, dropped
        assertThat(sent).hasSize(2);
        reader.offer(page(4, 5, true));
        assertThat(seqs(next)).containsExactly(4L, 5L);
        assertThat(timers).as("each answered page stops its timer").isEmpty();
    }
}
