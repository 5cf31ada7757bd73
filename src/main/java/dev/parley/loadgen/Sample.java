package dev.parley.loadgen;

/** One second of the run, for the chart: {@code t} is seconds since the first phase started. */
public record Sample(double t, boolean warmup, double sentPerSec, double deliveredPerSec, double p50Us, double p99Us) {
}
