package dev.parley.loadgen;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one phase. "Measured" figures cover messages due after the warmup; loss,
 * duplicates and errors cover all traffic of the phase, warmup included.
 *
 * @param counts       counter deltas from the phase's start to the end of its drain
 * @param latency      first-delivery latencies of measured messages, microseconds
 * @param drained      every expected delivery arrived within the drain period
 * @param drainSeconds how long the drain waited
 */
public record PhaseResult(int phase, double rps, int clients, int rooms, long warmupS, long durationS,
                          Counts counts, Histogram latency, List<Interval> intervals, List<Sample> samples,
                          boolean drained, double drainSeconds) {

    public long sent() {
        return counts.get(Counts.SENT_MEASURED);
    }

    public long expected() {
        return counts.get(Counts.EXPECTED_MEASURED);
    }

    public long delivered() {
        return counts.get(Counts.DELIVERED_MEASURED);
    }

    public long lost() {
        return counts.lost();
    }

    public long duplicates() {
        return counts.get(Counts.DUPLICATES);
    }

    public long errors() {
        return counts.errors();
    }

    public Map<String, Long> errorsByResult() {
        return counts.errorsByResult();
    }

    public long misrouted() {
        return counts.get(Counts.MISROUTED) + counts.get(Counts.MALFORMED);
    }

    public long disconnects() {
        return counts.get(Counts.DISCONNECTS);
    }

    public double sentPerSec() {
        return (double) sent() / durationS;
    }

    public double expectedPerSec() {
        return (double) expected() / durationS;
    }

    public double deliveriesPerSec() {
        return (double) delivered() / durationS;
    }

    public double bytesInPerSec() {
        double sum = 0;
        long secs = 0;
        for (Interval i : intervals) {
            if (!i.warmup()) {
                sum += i.bytesInPerSec() * (i.endS() - i.startS());
                secs += i.endS() - i.startS();
            }
        }
        return secs == 0 ? 0 : sum / secs;
    }

    public LatencySummary latencyUs() {
        return LatencySummary.of(latency);
    }

    public long[] buckets() {
        return counts.buckets();
    }

    /** Nothing lost, duplicated, refused, misrouted or disconnected. */
    public boolean clean() {
        return lost() == 0 && duplicates() == 0 && errors() == 0 && misrouted() == 0 && disconnects() == 0;
    }
}
