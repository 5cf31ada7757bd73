package dev.parley.room;

import dev.parley.protocol.pb.ChatNotify;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ArrivalOrderTest {

    private static ChatNotify m(long seq) {
        return ChatNotify.newBuilder().setSeq(seq).setText("m" + seq).build();
    }

    private static List<Long> seqs(List<ChatNotify> ms) {
        List<Long> out = new ArrayList<>();
        for (ChatNotify x : ms) {
            out.add(x.getSeq());
        }
        return out;
    }

    @Test
    void inOrderArrivalsAreAcceptedAtOnceAndRepeatsDropped() {
        ArrivalOrder o = new ArrivalOrder(0);
        assertEquals(List.of(1L), seqs(o.arrived(m(1))));
        assertEquals(List.of(2L), seqs(o.arrived(m(2))));
        assertEquals(List.of(), seqs(o.arrived(m(2))), "a repeat is not accepted twice");
        assertEquals(List.of(), seqs(o.arrived(m(1))));
        assertEquals(2, o.seen());
        assertNull(o.nextGap());
    }

    @Test
    void aGapHoldsLaterMessagesUntilItIsFilled() {
        ArrivalOrder o = new ArrivalOrder(10);
        assertEquals(List.of(), seqs(o.arrived(m(13))));
        assertEquals(List.of(), seqs(o.arrived(m(14))));
        ArrivalOrder.Gap gap = o.nextGap();
        assertEquals(new ArrivalOrder.Gap(10, 13), gap);
        assertNull(o.nextGap(), "one fill at a time");
        ArrivalOrder.Filled f = o.filled(gap, List.of(m(11), m(12)));
        assertEquals(List.of(11L, 12L, 13L, 14L), seqs(f.accept()));
        assertEquals(0, f.skipped());
        assertEquals(14, o.seen());
    }

    @Test
    void aMessageArrivingDuringTheFillIsNotAcceptedTwice() {
        ArrivalOrder o = new ArrivalOrder(0);
        o.arrived(m(3));
        ArrivalOrder.Gap gap = o.nextGap();
        assertEquals(List.of(), seqs(o.arrived(m(2))), "still missing 1: held");
        ArrivalOrder.Filled f = o.filled(gap, List.of(m(1), m(2)));
        assertEquals(List.of(1L, 2L, 3L), seqs(f.accept()));
    }

    @Test
    void seqsNoNodeHasArePassedOverAndCounted() {
        ArrivalOrder o = new ArrivalOrder(5);
        o.arrived(m(100_006));
        ArrivalOrder.Gap gap = o.nextGap();
        ArrivalOrder.Filled f = o.filled(gap, List.of());
        assertEquals(List.of(100_006L), seqs(f.accept()));
        assertEquals(100_000, f.skipped());
    }

    @Test
    void aFailedFillCanBeAskedAgain() {
        ArrivalOrder o = new ArrivalOrder(0);
        o.arrived(m(2));
        ArrivalOrder.Gap gap = o.nextGap();
        o.fillFailed();
        assertEquals(gap, o.nextGap());
    }

    @Test
    void messagesHeldWhileLoadingFollowTheLoadedSeq() {
        ArrivalOrder o = new ArrivalOrder(0);
        o.hold(m(7));
        o.hold(m(9));
        o.hold(m(8));
        o.startAt(7); // the load already has 7
        assertEquals(List.of(8L, 9L), seqs(o.drain()));
        assertNull(o.nextGap());
    }

    @Test
    void catchingUpAfterAReconnectAsksUpToTheClusterSeq() {
        ArrivalOrder o = new ArrivalOrder(4);
        assertNull(o.catchUpTo(4));
        ArrivalOrder.Gap gap = o.catchUpTo(9);
        assertEquals(new ArrivalOrder.Gap(4, 10), gap);
        ArrivalOrder.Filled f = o.filled(gap, List.of(m(5), m(6), m(7), m(8), m(9)));
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), seqs(f.accept()));
        assertEquals(9, o.seen());
    }
}
