package dev.parley.cli;

import dev.parley.loadgen.Bench;
import dev.parley.loadgen.BenchConfig;
import dev.parley.loadgen.Durations;
import dev.parley.loadgen.LoadgenConfig;
import dev.parley.loadgen.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code parley bench}: server in its own JVM plus the loadgen, compared with the original C++ server. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a Parley server in a separate JVM (temporary data, no rate limit), runs the loadgen "
                + "against it with the original C++ server's load profile (500 clients, 10 rooms, 10 msg/s each, "
                + "64 B/256 B/1-2 KiB mix) and prints the result beside the original's published figures, with the "
                + "server's CPU time, its resident memory (sampled every second) and whether its /health answered. "
                + "Always stops the server, also on errors and Ctrl-C.",
                "--flooders and --silent-connections add hostile clients beside the measured ones; --server-args "
                        + "flags replace the bench's own, e.g. \"--rate-limit 100\" for the server's default limit.",
                "--find-max instead raises the rate step by step until p99 exceeds --p99-limit-ms or a delivery is "
                        + "lost, and reports the highest sustained deliveries/s.",
                "See docs/loadgen.md."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Mixin
    WorkloadOptions workload;

    @Option(names = "--server-jvm-args", paramLabel = "\"ARGS\"",
            description = "JVM options for the server, space-separated, e.g. \"-XX:+UseZGC -Xmx2g\".")
    String serverJvmArgs;

    @Option(names = "--server-args", paramLabel = "\"ARGS\"",
            description = "Extra 'parley server' flags, space-separated, e.g. \"--transport epoll\".")
    String serverArgs;

    @Option(names = "--java", paramLabel = "PATH",
            description = "java binary for the server, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java (default: this JVM's).")
    String java;

    @CommandLine.Mixin
    TlsFlags tls;

    @Option(names = "--find-max", description = "Ramp the rate until p99 or loss fails; report the best step.")
    boolean findMax;

    @Option(names = "--step-duration", defaultValue = "10s", description = "Measured time per ramp step (default: ${DEFAULT-VALUE}).")
    String stepDuration;

    @Option(names = "--step-warmup", defaultValue = "2s", description = "Warmup per ramp step (default: ${DEFAULT-VALUE}).")
    String stepWarmup;

    @Option(names = "--max-steps", defaultValue = "15", description = "Most ramp steps (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--p99-limit-ms", defaultValue = "10", description = "A ramp step fails above this p99 (default: ${DEFAULT-VALUE}).")
    double p99LimitMs;

    @Option(names = "--ramp-factor", defaultValue = "1.5", description = "Rate multiplier per ramp step (default: ${DEFAULT-VALUE}).")
    double rampFactor;

    BenchConfig toConfig() {
        BenchConfig b = new BenchConfig();
        LoadgenConfig c = b.load;
        workload.applyTo(c);
        c.tls = tls.options();
        b.java = java;
        b.serverJvmArgs = split(serverJvmArgs);
        b.serverArgs = split(serverArgs);
        b.report = workload.report;
        b.chart = workload.chart;
        b.findMax = findMax;
        b.stepDuration = Durations.parse(stepDuration);
        b.stepWarmup = Durations.parse(stepWarmup);
        b.maxSteps = maxSteps;
        b.p99LimitMs = p99LimitMs;
        b.rampFactor = rampFactor;
        return b;
    }

    private static List<String> split(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    @Override
    public Integer call() throws Exception {
        return new Bench(toConfig(), System.out, Progress.forStderr()).run();
    }
}
