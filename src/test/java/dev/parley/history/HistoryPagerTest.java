package dev.parley.history;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The paging rules, without a server: a tail above a floor, rows from the database below it. */
class HistoryPagerTest {

    static List<ChatNotify> msgs(long from, long to) {
        List<ChatNotify> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(ChatNotify.newBuilder().setRoomId(1).setSeq(s).setText("m" + s).build());
        }
        return out;
    }

    static List<Long> seqs(HistoryPager.Page p) {
        return p.messages().stream().map(ChatNotify::getSeq).toList();
    }

    static HistoryPager.Query q(Long before, Long after, int limit) {
        HistoryRequest.Builder b = HistoryRequest.newBuilder().setRoomId(1).setLimit(limit);
        if (before != null) {
            b.setBeforeSeq(before);
        }
        if (after != null) {
            b.setAfterSeq(after);
        }
        return HistoryPager.Query.of(b.build(), 50, 200);
    }

    @Test
    void limitDefaultsAndCaps() {
        assertThat(q(null, null, 0).limit()).isEqualTo(50);
        assertThat(q(null, null, 7).limit()).isEqualTo(7);
        assertThat(q(null, null, 5000).limit()).isEqualTo(200);
        assertThat(q(null, null, -1).limit()).as("uint32 max").isEqualTo(200);
        assertThat(q(5L, 5L, 10)).as("after >= before").isNull();
        assertThat(q(null, -1L, 10).after()).as("uint64 beyond long").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aCompleteTailAnswersAloneAndExactly() {
        RoomHistory.Snapshot tail = new RoomHistory.Snapshot(msgs(1, 30), 0);
        HistoryPager.Query latest = q(null, null, 20);
        assertThat(HistoryPager.needsStore(latest, tail)).isFalse();
        HistoryPager.Page p = HistoryPager.page(latest, tail, List.of());
        assertThat(seqs(p)).isEqualTo(seqs(new HistoryPager.Page(msgs(11, 30), false)));
        assertThat(p.hasMore()).isTrue();
        p = HistoryPager.page(q(11L, null, 20), tail, List.of());
        assertThat(seqs(p)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(p.hasMore()).isFalse();
        p = HistoryPager.page(q(null, 25L, 20), tail, List.of());
        assertThat(seqs(p)).containsExactly(26L, 27L, 28L, 29L, 30L);
        assertThat(p.hasMore()).isFalse();
    }

    @Test
    void belowTheFloorTheDatabaseIsReadAndMergedWithoutDuplicates() {
        // stored 1..100; the tail holds 81..130 (101..130 not yet stored), floor 80
        RoomHistory.Snapshot tail = new RoomHistory.Snapshot(msgs(81, 130), 80);
        HistoryPager.Query latest = q(null, null, 60);
        assertThat(HistoryPager.needsStore(latest, tail)).isTrue();
        assertThat(HistoryPager.storeUpTo(latest, tail)).isEqualTo(80);
        assertThat(HistoryPager.storedNeeded(latest, tail)).isEqualTo(80);
        // the database is asked for (0, 80], newest limit + 1 = 61: 20..80
        HistoryPager.Page p = HistoryPager.page(latest, tail, msgs(20, 80));
        assertThat(p.messages()).extracting(ChatNotify::getSeq).first().isEqualTo(71L);
        assertThat(p.messages()).extracting(ChatNotify::getSeq).last().isEqualTo(130L);
        assertThat(p.messages()).hasSize(60);
        assertThat(p.hasMore()).isTrue();

        HistoryPager.Query forward = q(null, 70L, 20);
        assertThat(HistoryPager.needsStore(forward, tail)).isTrue();
        p = HistoryPager.page(forward, tail, msgs(71, 80)); // (70, 80], oldest 21 of them
        assertThat(seqs(p)).isEqualTo(seqs(new HistoryPager.Page(msgs(71, 90), false)));
        assertThat(p.hasMore()).isTrue();

        assertThat(HistoryPager.needsStore(q(null, 80L, 20), tail)).as("window within the tail").isFalse();
        assertThat(HistoryPager.needsStore(q(null, null, 40), tail)).as("a full page in the tail").isFalse();
        assertThat(HistoryPager.page(q(null, null, 40), tail, List.of()).hasMore()).as("below the floor").isTrue();
    }

    @Test
    void aPageIsCutToOneFrameKeepingTheEndNearestTheCursor() {
        String big = "y".repeat(10_000);
        List<ChatNotify> tailMsgs = new ArrayList<>();
        for (long s = 1; s <= 10; s++) {
            tailMsgs.add(ChatNotify.newBuilder().setRoomId(1).setSeq(s).setText(big).build());
        }
        RoomHistory.Snapshot tail = new RoomHistory.Snapshot(tailMsgs, 0);
        HistoryPager.Page back = HistoryPager.page(q(null, null, 10), tail, List.of());
        assertThat(seqs(back)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(back.hasMore()).isTrue();
        HistoryPager.Page fwd = HistoryPager.page(q(null, 0L, 10), tail, List.of());
        assertThat(seqs(fwd)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(fwd.hasMore()).isTrue();
    }
}
