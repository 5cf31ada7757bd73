package dev.parley.loadgen;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery accounting without a network: what a receiver counts for first deliveries,
 * duplicates, misrouted messages and gaps, and how loss follows from expected deliveries.
 */
class AccountingTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    // 4 clients in 2 rooms: room 0 = {0, 2}, room 1 = {1, 3}; 10 msg/s; 1 s warmup, 2 s measured
    private final RoomLayout layout = new RoomLayout(4, 2);
    private final PhaseTable phases = new PhaseTable();
    private final Phase phase = new Phase(1, 10, 4, 0, S, 2 * S);
    private LoopStats stats;
    private DeliveryTracker receiver0;

    @BeforeEach
    void setUp() {
        phases.put(phase);
        stats = new LoopStats();
        receiver0 = new DeliveryTracker(layout, 0);
    }

    private Counts counts() {
        return new Counts(stats.snapshot(false, null, null).counters());
    }

    private void deliver(DeliveryTracker to, int sender, long seq, long latencyMicros) {
        long due = phase.dueNanos(sender, seq);
        to.onDelivery(MsgIds.encode(1, sender, seq), due + latencyMicros * 1_000, phases, stats);
    }

    private void sent(int sender, boolean measured) {
        stats.inc(Counts.SENT);
        stats.add(Counts.EXPECTED, layout.size(layout.room(sender)));
        if (measured) {
            stats.inc(Counts.SENT_MEASURED);
            stats.add(Counts.EXPECTED_MEASURED, layout.size(layout.room(sender)));
        }
    }

    @Test
    void everyExpectedDeliveryArrivingMeansNothingLost() {
        DeliveryTracker receiver2 = new DeliveryTracker(layout, 2);
        for (long seq = 0; seq < 30; seq++) {
            for (int sender : new int[]{0, 2}) {
                sent(sender, phase.isMeasured(phase.dueNanos(sender, seq)));
                deliver(receiver0, sender, seq, 200);
                deliver(receiver2, sender, seq, 200);
            }
        }
        Counts c = counts();
        assertThat(c.get(Counts.SENT)).isEqualTo(60);
        assertThat(c.get(Counts.EXPECTED)).isEqualTo(120);
        assertThat(c.get(Counts.DELIVERED)).isEqualTo(120);
        assertThat(c.get(Counts.DISTINCT)).isEqualTo(120);
        assertThat(c.lost()).isZero();
        // seq 0..9 are due in the first second (warmup), 10..29 measured
        assertThat(c.get(Counts.SENT_MEASURED)).isEqualTo(40);
        assertThat(c.get(Counts.EXPECTED_MEASURED)).isEqualTo(80);
        assertThat(c.get(Counts.DELIVERED_MEASURED)).isEqualTo(80);
    }

    @Test
    void aMissingDeliveryIsLost() {
        for (long seq = 0; seq < 5; seq++) {
            sent(2, false);
            if (seq != 3) {
                deliver(receiver0, 2, seq, 100); // receiver 0 never gets seq 3; receiver 2 gets nothing
            }
        }
        Counts c = counts();
        assertThat(c.get(Counts.EXPECTED)).isEqualTo(10);
        assertThat(c.get(Counts.DISTINCT)).isEqualTo(4);
        assertThat(c.lost()).isEqualTo(6);
        assertThat(c.get(Counts.DUPLICATES)).isZero();
    }

    @Test
    void aRepeatedOrOlderDeliveryIsADuplicateNotADelivery() {
        sent(2, false);
        sent(2, false);
        deliver(receiver0, 2, 0, 100);
        deliver(receiver0, 2, 1, 100);
        deliver(receiver0, 2, 1, 100); // again
        deliver(receiver0, 2, 0, 100); // older than the last seen
        Counts c = counts();
        assertThat(c.get(Counts.DELIVERED)).isEqualTo(4);
        assertThat(c.get(Counts.DISTINCT)).isEqualTo(2);
        assertThat(c.get(Counts.DUPLICATES)).isEqualTo(2);
        // a duplicate does not make up for a delivery another member missed
        assertThat(c.lost()).isEqualTo(2);
    }

    @Test
    void refusedMessagesAreErrorsNotLoss() {
        sent(2, false);
        sent(2, false);
        deliver(receiver0, 2, 0, 100);
        new DeliveryTracker(layout, 2).onDelivery(MsgIds.encode(1, 2, 0), phase.dueNanos(2, 0), phases, stats);
        // message 1 was refused: the sender got ErrorNotify(RATE_LIMITED), nobody gets the message
        stats.inc(Counts.errorSlot(dev.parley.protocol.pb.Result.RATE_LIMITED_VALUE));
        stats.inc(Counts.REJECTED);
        stats.add(Counts.REJECTED_DELIVERIES, 2);
        Counts c = counts();
        assertThat(c.lost()).isZero();
        assertThat(c.errors()).isEqualTo(1);
        assertThat(c.errorsByResult()).containsExactly(java.util.Map.entry("RATE_LIMITED", 1L));
    }

    @Test
    void deliveriesFromAnotherRoomOrAnUnknownPhaseAreMisrouted() {
        deliver(receiver0, 1, 0, 100); // client 1 is in room 1
        receiver0.onDelivery(MsgIds.encode(2, 2, 0), 0, phases, stats); // phase 2 never ran
        receiver0.onDelivery(MsgIds.encode(1, 99, 0), 0, phases, stats); // no such client
        receiver0.onDelivery(MsgIds.encode(1, 2, 1L << 24), 0, phases, stats); // beyond any phase's length
        Counts c = counts();
        assertThat(c.get(Counts.MISROUTED)).isEqualTo(4);
        assertThat(c.get(Counts.DELIVERED)).isZero();
        assertThat(c.get(Counts.DISTINCT)).isZero();
    }

    @Test
    void aNewPhaseStartsEachSendersSequenceAfresh() {
        Phase next = new Phase(2, 20, 4, 10 * S, 0, S);
        phases.put(next);
        deliver(receiver0, 2, 5, 100);
        receiver0.onDelivery(MsgIds.encode(2, 2, 0), next.dueNanos(2, 0) + 50_000, phases, stats);
        // a straggler of phase 1 arriving after phase 2 began is not a first delivery
        receiver0.onDelivery(MsgIds.encode(1, 2, 6), phase.dueNanos(2, 6), phases, stats);
        Counts c = counts();
        assertThat(c.get(Counts.DISTINCT)).isEqualTo(2);
        assertThat(c.get(Counts.DUPLICATES)).isEqualTo(1);
    }

    @Test
    void latencyIsMeasuredFromTheDueTimeIntoBucketsForMeasuredMessagesOnly() {
        deliver(receiver0, 2, 0, 40);       // warmup: not in the buckets
        deliver(receiver0, 2, 10, 100);     // <=100us (edge inclusive)
        deliver(receiver0, 2, 11, 101);     // <=500us
        deliver(receiver0, 2, 12, 1_000);   // <=1ms
        deliver(receiver0, 2, 13, 4_999);   // <=5ms
        deliver(receiver0, 2, 14, 50_000);  // <=50ms
        deliver(receiver0, 2, 15, 50_001);  // >50ms
        deliver(receiver0, 2, 16, 2_000);   // <=5ms
        Counts c = counts();
        assertThat(c.buckets()).containsExactly(1, 1, 1, 2, 1, 1);
        assertThat(c.get(Counts.DELIVERED_MEASURED)).isEqualTo(7);
        LoopStats.Snapshot snap = stats.snapshot(true, null, null);
        assertThat(snap.measured().getTotalCount()).isEqualTo(7);
        assertThat(snap.measured().getMaxValue()).isBetween(50_000L, 50_100L);
        assertThat(snap.measured().getMinValue()).isEqualTo(100);
        assertThat(snap.warmup().getTotalCount()).isEqualTo(1);
        // each value is handed over once; the counters keep counting
        LoopStats.Snapshot next = stats.snapshot(true, null, null);
        assertThat(next.measured().getTotalCount()).isZero();
        assertThat(next.counters()[Counts.DELIVERED_MEASURED]).isEqualTo(7);
    }

    @Test
    void highPhasesAndLongPhasesKeepTheirSequence() {
        Phase last = new Phase(255, 10, 4, 0, 0, 1_000_000 * S); // phase ids above 127 use the int's sign bit
        phases.put(last);
        long big = DeliveryTracker.MAX_SEQ_PER_PHASE - 2;
        receiver0.onDelivery(MsgIds.encode(255, 2, big), last.dueNanos(2, big), phases, stats);
        receiver0.onDelivery(MsgIds.encode(255, 2, big + 1), last.dueNanos(2, big + 1), phases, stats);
        receiver0.onDelivery(MsgIds.encode(255, 2, big), last.dueNanos(2, big), phases, stats);
        Counts c = counts();
        assertThat(c.get(Counts.DISTINCT)).isEqualTo(2);
        assertThat(c.get(Counts.DUPLICATES)).isEqualTo(1);
    }

    @Test
    void latencyBucketEdgesAreInclusive() {
        assertThat(LatencyBuckets.index(0)).isZero();
        assertThat(LatencyBuckets.index(100)).isZero();
        assertThat(LatencyBuckets.index(101)).isEqualTo(1);
        assertThat(LatencyBuckets.index(500)).isEqualTo(1);
        assertThat(LatencyBuckets.index(1_000)).isEqualTo(2);
        assertThat(LatencyBuckets.index(5_000)).isEqualTo(3);
        assertThat(LatencyBuckets.index(50_000)).isEqualTo(4);
        assertThat(LatencyBuckets.index(50_001)).isEqualTo(5);
        assertThat(LatencyBuckets.asMap(new long[]{1, 2, 3, 4, 5, 6}).keySet())
                .containsExactly("le_100us", "le_500us", "le_1ms", "le_5ms", "le_50ms", "gt_50ms");
    }
}
