package dev.parley.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters and latency recorders of one client event loop. Only that loop's thread writes
 * them, so an update is a plain read and an ordered store (no lock, no CAS); the reporting
 * thread reads them once a second.
 */
final class LoopStats {

    /** Latencies are recorded in microseconds up to an hour; longer ones are clamped. */
    static final long MAX_MICROS = 3_600_000_000L;

    private final AtomicLongArray counters = new AtomicLongArray(Counts.SIZE);
    /** Deliveries of messages due during the warmup: shown in the warmup rows only. */
    private final SingleWriterRecorder warmup = new SingleWriterRecorder(1, MAX_MICROS, 3);
    /** Deliveries of measured messages: the figures. */
    private final SingleWriterRecorder measured = new SingleWriterRecorder(1, MAX_MICROS, 3);

    /** Owner thread only. */
    void add(int index, long n) {
        counters.lazySet(index, counters.get(index) + n);
    }

    /** Owner thread only. */
    void inc(int index) {
        add(index, 1);
    }

    /** Owner thread only: one first delivery's latency. */
    void recordLatency(long micros, boolean isMeasured) {
        long us = Math.min(Math.max(micros, 0), MAX_MICROS);
        if (isMeasured) {
            measured.recordValue(us);
            inc(Counts.BUCKET0 + LatencyBuckets.index(us));
        } else {
            warmup.recordValue(us);
        }
    }

    void addCountersTo(long[] sum) {
        for (int i = 0; i < Counts.SIZE; i++) {
            sum[i] += counters.get(i);
        }
    }

    /** What warmup deliveries recorded since the last call (reporting thread). */
    Histogram takeWarmup(Histogram recycle) {
        return warmup.getIntervalHistogram(recycle);
    }

    /** What measured deliveries recorded since the last call (reporting thread). */
    Histogram takeMeasured(Histogram recycle) {
        return measured.getIntervalHistogram(recycle);
    }
}
