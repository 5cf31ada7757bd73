package dev.parley.loadgen;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the once-a-second ticks of a phase into chart samples and table rows. Rows are
 * {@value #ROW_SECONDS} s long, aligned separately on the warmup and on the measured part, so
 * no row mixes the two; a last shorter row closes each part.
 */
final class Timeline {

    static final int ROW_SECONDS = 10;

    private final long warmupS;
    private final long totalS;
    private final double timeOffset;
    private final List<Interval> rows = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final Histogram rowHistogram = new Histogram(1, LoopStats.MAX_MICROS, 3);
    private Counts lastTick;
    private Counts rowStart;
    private long rowStartS;

    /**
     * @param base       the counters when the phase started
     * @param timeOffset added to sample times, so samples of consecutive phases line up
     */
    Timeline(long warmupS, long durationS, Counts base, double timeOffset) {
        this.warmupS = warmupS;
        this.totalS = warmupS + durationS;
        this.timeOffset = timeOffset;
        this.lastTick = base;
        this.rowStart = base;
    }

    boolean isRowEnd(long t) {
        if (t == warmupS || t == totalS) {
            return true;
        }
        return t < warmupS ? t % ROW_SECONDS == 0 : (t - warmupS) % ROW_SECONDS == 0;
    }

    /**
     * Second {@code t} (1-based) ended with counters {@code now}; {@code tick} holds the
     * latencies of that second. Returns the row that ends here, or null.
     */
    Interval tick(long t, Counts now, Histogram tick) {
        Counts d = now.minus(lastTick);
        LatencySummary s = LatencySummary.of(tick);
        samples.add(new Sample(timeOffset + t, t <= warmupS, d.get(Counts.SENT), d.get(Counts.DELIVERED), s.p50(), s.p99(),
                d.get(Counts.EXPECTED), d.get(Counts.DISCONNECTS)));
        rowHistogram.add(tick);
        lastTick = now;
        if (!isRowEnd(t)) {
            return null;
        }
        Counts r = now.minus(rowStart);
        double secs = t - rowStartS;
        Interval row = new Interval(rowStartS, t, t <= warmupS, r.get(Counts.SENT) / secs, r.get(Counts.DELIVERED) / secs,
                r.get(Counts.EXPECTED) / secs, r.get(Counts.BYTES_IN) / secs, LatencySummary.of(rowHistogram));
        rows.add(row);
        rowHistogram.reset();
        rowStart = now;
        rowStartS = t;
        return row;
    }

    List<Interval> rows() {
        return rows;
    }

    List<Sample> samples() {
        return samples;
    }
}
