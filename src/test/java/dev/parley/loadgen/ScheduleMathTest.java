package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleMathTest {

    @Test
    void clientMsgIdRoundTripsPhaseSenderAndSeq() {
        long id = MsgIds.encode(7, 123_456, 4_000_000_000L);
        assertThat(MsgIds.phase(id)).isEqualTo(7);
        assertThat(MsgIds.sender(id)).isEqualTo(123_456);
        assertThat(MsgIds.seq(id)).isEqualTo(4_000_000_000L);

        long max = MsgIds.encode(MsgIds.MAX_PHASE, MsgIds.MAX_SENDER, MsgIds.MAX_SEQ);
        assertThat(MsgIds.phase(max)).isEqualTo(255);
        assertThat(MsgIds.sender(max)).isEqualTo(MsgIds.MAX_SENDER);
        assertThat(MsgIds.seq(max)).isEqualTo(MsgIds.MAX_SEQ);
        assertThat(MsgIds.encode(1, 0, 0)).isNotZero(); // proto3 would drop a zero id from the wire
    }

    @Test
    void clientMsgIdRejectsOutOfRangeParts() {
        assertThatThrownBy(() -> MsgIds.encode(0, 1, 1)).hasMessageContaining("phase");
        assertThatThrownBy(() -> MsgIds.encode(256, 1, 1)).hasMessageContaining("phase");
        assertThatThrownBy(() -> MsgIds.encode(1, 1 << 24, 1)).hasMessageContaining("sender");
        assertThatThrownBy(() -> MsgIds.encode(1, 1, 1L << 32)).hasMessageContaining("seq");
    }

    @Test
    void dueTimesFollowAFixedScheduleSpreadOverThePeriod() {
        // 4 clients at 10 msg/s: period 100 ms, offsets 0, 25, 50, 75 ms
        Phase p = new Phase(1, 10, 4, 1_000_000_000L, 2_000_000_000L, 3_000_000_000L);
        assertThat(p.periodNanos()).isEqualTo(100_000_000L);
        assertThat(p.offsetNanos(0)).isZero();
        assertThat(p.offsetNanos(3)).isEqualTo(75_000_000L);
        assertThat(p.dueNanos(0, 0)).isEqualTo(1_000_000_000L);
        assertThat(p.dueNanos(2, 0)).isEqualTo(1_050_000_000L);
        assertThat(p.dueNanos(2, 7)).isEqualTo(1_750_000_000L);
        // the due time does not depend on when anything was actually sent or answered
        assertThat(p.dueNanos(1, 30) - p.dueNanos(1, 29)).isEqualTo(p.periodNanos());
    }

    @Test
    void warmupAndEndSplitTheScheduleByDueTime() {
        Phase p = new Phase(1, 10, 4, 0, 2_000_000_000L, 3_000_000_000L);
        assertThat(p.isMeasured(p.dueNanos(0, 19))).isFalse(); // due at 1.9 s
        assertThat(p.isMeasured(p.dueNanos(0, 20))).isTrue();  // due at 2.0 s
        assertThat(p.isInside(p.dueNanos(3, 49))).isTrue();    // 4.975 s
        assertThat(p.isInside(p.dueNanos(0, 50))).isFalse();   // 5.0 s = the end
        // every client sends (warmup + duration) * rps messages
        int sent = 0;
        for (int c = 0; c < 4; c++) {
            for (long k = 0; p.isInside(p.dueNanos(c, k)); k++) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(4 * 50);
    }

    @Test
    void fractionalRatesHaveExactPeriods() {
        assertThat(new Phase(1, 0.5, 1, 0, 0, 10_000_000_000L).periodNanos()).isEqualTo(2_000_000_000L);
        assertThat(new Phase(1, 3, 1, 0, 0, 10_000_000_000L).periodNanos()).isEqualTo(333_333_333L);
    }

    @Test
    void roomLayoutSpreadsClientsEvenlyAndNamesCreators() {
        RoomLayout l = new RoomLayout(23, 5);
        int[] sizes = new int[5];
        for (int i = 0; i < 23; i++) {
            sizes[l.room(i)]++;
            assertThat(l.position(i)).isLessThan(l.size(l.room(i)));
        }
        for (int r = 0; r < 5; r++) {
            assertThat(sizes[r]).isEqualTo(l.size(r));
            assertThat(l.isCreator(r)).isTrue();
            assertThat(l.position(r)).isZero();
        }
        assertThat(sizes).containsExactly(5, 5, 5, 4, 4);
        assertThat(l.isCreator(5)).isFalse();
        assertThat(new RoomLayout(500, 10).fanOut()).isEqualTo(50.0);
        assertThatThrownBy(() -> new RoomLayout(3, 4)).hasMessageContaining("at least one client per room");
    }
}
