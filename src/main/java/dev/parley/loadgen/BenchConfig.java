package dev.parley.loadgen;

import dev.parley.launch.ServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What {@code parley bench} runs: a load profile plus how to start the server and how to ramp. */
public final class BenchConfig {
    /** The load; host and port are filled in once the server listens. */
    public LoadgenConfig load = new LoadgenConfig();
    /** The java binary for the server; null = the one running the bench. */
    public String java;
    public List<String> serverJvmArgs = new ArrayList<>();
    /** Extra {@code parley server} flags, after the bench's own. */
    public List<String> serverArgs = new ArrayList<>();
    public Path report;
    public Path chart;
    public boolean findMax;
    public Duration stepDuration = Duration.ofSeconds(10);
    public Duration stepWarmup = Duration.ofSeconds(2);
    public int maxSteps = 15;
    public double p99LimitMs = 10;
    public double rampFactor = 1.5;
    public Duration serverStartTimeout = ServerProcess.Options.DEFAULT_START_TIMEOUT;

    public void validate() {
        load.validate();
        Durations.wholeSeconds(stepDuration, "--step-duration");
        Durations.wholeSeconds(stepWarmup, "--step-warmup");
        if (stepDuration.toSeconds() < 1) {
            throw new IllegalArgumentException("--step-duration must be at least 1s");
        }
        if (maxSteps < 1 || maxSteps > 200) {
            throw new IllegalArgumentException("--max-steps must be within 1..200");
        }
        if (!(p99LimitMs > 0)) {
            throw new IllegalArgumentException("--p99-limit-ms must be positive");
        }
        if (findMax && load.hasHostile()) {
            throw new IllegalArgumentException("--flooders and --silent-connections run beside one measured run, "
                    + "not with --find-max");
        }
        if (!(rampFactor > 1.0)) {
            throw new IllegalArgumentException("--ramp-factor must be above 1");
        }
    }
}
