package dev.parley.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Counters and latency histograms of one client event loop, confined to that loop's thread:
 * the hot path is plain array and histogram updates, no atomics or fences. Other threads
 * read them only through {@link #snapshot}, run as a task on the loop, whose completion
 * publishes the copy.
 */
final class LoopStats {

    /** Latencies are recorded in microseconds up to an hour; longer ones are clamped. */
    static final long MAX_MICROS = 3_600_000_000L;

    /** What a snapshot hands over: the counters and what was recorded since the last one. */
    record Snapshot(long[] counters, Histogram warmup, Histogram measured) {
    }

    private final long[] counters = new long[Counts.SIZE];
    /** Deliveries of messages due during the warmup: shown in the warmup rows only. */
    private Histogram warmup = newHistogram();
    /** Deliveries of measured messages: the figures. */
    private Histogram measured = newHistogram();

    static Histogram newHistogram() {
        return new Histogram(1, MAX_MICROS, 3);
    }

    void add(int index, long n) {
        counters[index] += n;
    }

    void inc(int index) {
        counters[index]++;
    }

    /** One first delivery's latency. */
    void recordLatency(long micros, boolean isMeasured) {
        long us = Math.min(Math.max(micros, 0), MAX_MICROS);
        if (isMeasured) {
            measured.recordValue(us);
            counters[Counts.BUCKET0 + LatencyBuckets.index(us)]++;
        } else {
            warmup.recordValue(us);
        }
    }

    /**
     * Copies the counters and hands over the histograms, replacing them with the given empty
     * ones (or new ones); with {@code takeHistograms} false the histograms stay.
     */
    Snapshot snapshot(boolean takeHistograms, Histogram emptyWarmup, Histogram emptyMeasured) {
        long[] copy = counters.clone();
        if (!takeHistograms) {
            return new Snapshot(copy, null, null);
        }
        Histogram w = warmup;
        Histogram m = measured;
        warmup = emptyWarmup != null ? emptyWarmup : newHistogram();
        measured = emptyMeasured != null ? emptyMeasured : newHistogram();
        return new Snapshot(copy, w, m);
    }
}
