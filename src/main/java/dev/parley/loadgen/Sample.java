package dev.parley.loadgen;

/**
 * One second of the run, for the chart and the report's {@code samples}: {@code t} is seconds
 * since the first phase started. Rates are by wall clock, as in {@link Interval}: sent and
 * expected when the messages went out ({@code expectedPerSec} is the same counter as the
 * report's {@code expected}: each message sent × its room's members), delivered when they came
 * in. {@code disconnects} counts the measured clients' connections closed during that second.
 */
public record Sample(double t, boolean warmup, double sentPerSec, double deliveredPerSec, double p50Us, double p99Us,
                     double expectedPerSec, long disconnects) {
}
