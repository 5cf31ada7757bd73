package dev.parley.history;

import dev.parley.chatlog.StoredSeq;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tail's trimming rules and the {@code recent} of a join or resume. */
class RoomHistoryTest {

    static List<Long> recent(RoomHistory h, Long lastSeen) {
        JoinRoomRequest.Builder req = JoinRoomRequest.newBuilder().setRoomId(1);
        if (lastSeen != null) {
            req.setLastSeenSeq(lastSeen);
        }
        JoinRoomResponse.Builder b = JoinRoomResponse.newBuilder();
        h.addRecent(b, req.build());
        return b.getRecentList().stream().map(ChatNotify::getSeq).toList();
    }

    static boolean gap(RoomHistory h, long lastSeen) {
        JoinRoomResponse.Builder b = JoinRoomResponse.newBuilder();
        h.addRecent(b, JoinRoomRequest.newBuilder().setRoomId(1).setLastSeenSeq(lastSeen).build());
        return b.getHasGap();
    }

    static void deliver(RoomHistory h, long from, long to) {
        for (long s = from; s <= to; s++) {
            h.delivered(ChatNotify.newBuilder().setRoomId(1).setSeq(s).setText("m" + s).build());
        }
    }

    @Test
    void anEditOrDeleteRewritesItsTargetInTheTailAndFindSeesOnlyWhatTheTailHolds() {
        RoomHistory h = new RoomHistory(StoredSeq.unlogged(), 3, 3, List.of(), 0);
        deliver(h, 1, 3);
        h.delivered(ChatNotify.newBuilder().setRoomId(1).setSeq(4).setKind(ChatKind.CHAT_KIND_EDIT).setTargetSeq(3)
                .setText("m3 fixed").build());
        ChatNotify edited = h.find(3);
        assertThat(edited.getText()).isEqualTo("m3 fixed");
        assertThat(edited.getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
        assertThat(edited.getTargetSeq()).isEqualTo(3);
        assertThat(h.find(4).getTargetSeq()).as("the event itself, as delivered").isEqualTo(3);
        h.delivered(ChatNotify.newBuilder().setRoomId(1).setSeq(5).setKind(ChatKind.CHAT_KIND_DELETE).setTargetSeq(3)
                .build());
        assertThat(h.find(3).getKind()).isEqualTo(ChatKind.CHAT_KIND_DELETE);
        assertThat(h.find(3).getText()).isEmpty();
        assertThat(h.snapshot().messages()).extracting(ChatNotify::getSeq).containsExactly(3L, 4L, 5L);
        assertThat(h.find(2)).as("below the floor").isNull();
        assertThat(h.find(6)).as("not yet said").isNull();
    }

    @Test
    void keepsTheLastNOnceStoredAndEverythingUnstoredUpToTheCap() {
        RoomHistory h = new RoomHistory(StoredSeq.unlogged(), 5, 20, List.of(), 0);
        deliver(h, 1, 12);
        assertThat(h.snapshot().messages()).hasSize(5);
        assertThat(h.snapshot().floor()).isEqualTo(7);
        assertThat(recent(h, null)).containsExactly(8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void unstoredMessagesStayUntilTheCap() {
        RoomHistory h = new RoomHistory(new StoredSeq(5), 5, 20, List.of(), 0);
        deliver(h, 1, 15);
        assertThat(h.snapshot().floor()).as("only stored ones left").isEqualTo(5);
        assertThat(h.snapshot().messages()).hasSize(10);
        deliver(h, 16, 30);
        assertThat(h.snapshot().messages()).hasSize(20);
        assertThat(h.snapshot().floor()).as("the cap let go of unstored 6..10").isEqualTo(10);
    }

    @Test
    void resumeGetsWhatFollowsLastSeenAndAGapWhenThatIsMoreThanItHolds() {
        RoomHistory h = new RoomHistory(StoredSeq.unlogged(), 5, 20, List.of(), 0);
        deliver(h, 1, 4);
        assertThat(recent(h, 2L)).containsExactly(3L, 4L);
        assertThat(gap(h, 2)).isFalse();
        assertThat(recent(h, 0L)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(gap(h, 0)).isFalse();
        deliver(h, 5, 12); // tail 8..12, floor 7
        assertThat(recent(h, 7L)).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(gap(h, 7)).isFalse();
        assertThat(recent(h, 3L)).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(gap(h, 3)).isTrue();
        assertThat(recent(h, 12L)).isEmpty();
        assertThat(gap(h, 12)).isFalse();
        assertThat(recent(h, 99L)).isEmpty();
        assertThat(gap(h, 99)).isFalse();
    }

    @Test
    void aPreloadedTailKnowsItsFloor() {
        List<ChatNotify> preload = List.of(
                ChatNotify.newBuilder().setSeq(41).build(), ChatNotify.newBuilder().setSeq(42).build());
        RoomHistory h = new RoomHistory(StoredSeq.unlogged(), 2, 20, preload, 40);
        assertThat(recent(h, null)).containsExactly(41L, 42L);
        assertThat(gap(h, 40)).isFalse();
        assertThat(gap(h, 39)).isTrue();
    }
}
