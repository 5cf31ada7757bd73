package dev.parley.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineTest {

    private static Counts counts(long sent, long delivered, long expected, long bytes) {
        long[] v = new long[Counts.SIZE];
        v[Counts.SENT] = sent;
        v[Counts.DELIVERED] = delivered;
        v[Counts.EXPECTED] = expected;
        v[Counts.BYTES_IN] = bytes;
        return new Counts(v);
    }

    @Test
    void rowsAreTenSecondsAlignedOnWarmupAndOnTheMeasuredPart() {
        // 5 s warmup, 25 s measured: rows end at 5 (warmup), 15, 25, 30
        Timeline t = new Timeline(5, 25, counts(0, 0, 0, 0), 0);
        List<Interval> rows = new ArrayList<>();
        for (long s = 1; s <= 30; s++) {
            Histogram h = new Histogram(1, LoopStats.MAX_MICROS, 3);
            h.recordValue(s * 100); // one latency per second
            Interval row = t.tick(s, counts(100 * s, 5_000 * s, 5_000 * s, 1_000_000 * s), h);
            if (row != null) {
                rows.add(row);
            }
        }
        assertThat(rows).extracting(Interval::startS).containsExactly(0L, 5L, 15L, 25L);
        assertThat(rows).extracting(Interval::endS).containsExactly(5L, 15L, 25L, 30L);
        assertThat(rows).extracting(Interval::warmup).containsExactly(true, false, false, false);
        for (Interval r : rows) {
            assertThat(r.sentPerSec()).isEqualTo(100);
            assertThat(r.deliveredPerSec()).isEqualTo(5_000);
            assertThat(r.expectedPerSec()).isEqualTo(5_000);
            assertThat(r.bytesInPerSec()).isEqualTo(1_000_000);
        }
        // the row from 5 to 15 s holds exactly the latencies of seconds 6..15
        assertThat(rows.get(1).latencyUs().count()).isEqualTo(10);
        assertThat(rows.get(1).latencyUs().max()).isBetween(1_500.0, 1_501.0);
        assertThat(rows.get(3).latencyUs().count()).isEqualTo(5);
        assertThat(t.samples()).hasSize(30);
        assertThat(t.samples().get(4).warmup()).isTrue();
        assertThat(t.samples().get(5).warmup()).isFalse();
        assertThat(t.samples().get(9).sentPerSec()).isEqualTo(100);
        assertThat(t.samples().get(9).expectedPerSec()).isEqualTo(5_000);
        assertThat(t.samples().get(9).deliveredPerSec()).isEqualTo(5_000);
    }

    @Test
    void eachSampleCarriesTheDisconnectsOfItsSecond() {
        Timeline t = new Timeline(0, 3, Counts.zero(), 0);
        long[] v = new long[Counts.SIZE];
        for (long s = 1; s <= 3; s++) {
            v[Counts.DISCONNECTS] += s == 2 ? 4 : 0;
            t.tick(s, new Counts(v.clone()), new Histogram(3));
        }
        assertThat(t.samples()).extracting(Sample::disconnects).containsExactly(0L, 4L, 0L);
    }

    @Test
    void ratesComeFromCounterDifferencesNotTotals() {
        Timeline t = new Timeline(0, 10, counts(1_000, 1_000, 1_000, 0), 7);
        Interval row = null;
        for (long s = 1; s <= 10; s++) {
            row = t.tick(s, counts(1_000 + 50 * s, 1_000 + 10 * s * s, 1_000, 0), new Histogram(3));
        }
        assertThat(row).isNotNull();
        assertThat(row.warmup()).isFalse();
        assertThat(row.sentPerSec()).isEqualTo(50);
        assertThat(row.deliveredPerSec()).isEqualTo(100); // 1000 over 10 s
        assertThat(row.latencyUs()).isEqualTo(LatencySummary.EMPTY);
        assertThat(t.samples().get(0).t()).isEqualTo(8.0); // offset 7 + 1 s
        assertThat(t.samples().get(9).deliveredPerSec()).isEqualTo(190); // 10*100 - 10*81
    }
}
