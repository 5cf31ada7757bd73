package dev.parley.loadgen;

/**
 * One row of the periodic table: rates over {@code [startS, endS)} seconds after the phase
 * started. Rates are by wall clock: sent and expected when the messages went out, delivered
 * and bytes when they came in. The latency covers first deliveries received in the row.
 */
public record Interval(long startS, long endS, boolean warmup, double sentPerSec, double deliveredPerSec,
                       double expectedPerSec, double bytesInPerSec, LatencySummary latencyUs) {
}
