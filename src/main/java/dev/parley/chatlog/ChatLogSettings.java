package dev.parley.chatlog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link BatchedChatLog} runs. The server fills the first four from its options
 * ({@code --data-dir}, {@code --log-flush-interval}, {@code --log-sync}, {@code --log-queue});
 * {@link Timing} is fixed in production and shrunk by the writer's unit tests.
 *
 * @param dataDir       holds the spill file and the crash marker
 * @param flushInterval how often a batch is written (async mode); the crash-loss window
 * @param sync          stored before delivered
 * @param queueCapacity messages that may wait; spilling starts at half, refusal when full
 * @param timing        the writer's patience with the database
 */
public record ChatLogSettings(Path dataDir, Duration flushInterval, boolean sync, int queueCapacity, Timing timing) {

    public ChatLogSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        requirePositive(flushInterval, "flushInterval");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
        }
        Objects.requireNonNull(timing, "timing");
    }

    /** Production timing ({@link Timing#DEFAULT}). */
    public ChatLogSettings(Path dataDir, Duration flushInterval, boolean sync, int queueCapacity) {
        this(dataDir, flushInterval, sync, queueCapacity, Timing.DEFAULT);
    }

    /** The same settings with other timing. */
    public ChatLogSettings withTiming(Timing other) {
        return new ChatLogSettings(dataDir, flushInterval, sync, queueCapacity, other);
    }

    /**
     * How long the writer waits for the database before it falls back.
     *
     * @param spillAfter    a batch that could not be stored for this long is spilled, so it survives a crash
     * @param closeDeadline graceful shutdown waits this long for the database before spilling the rest
     * @param minBackoff    the first pause before retrying a failed write (doubles on each failure)
     * @param maxBackoff    the longest pause between retries
     */
    public record Timing(Duration spillAfter, Duration closeDeadline, Duration minBackoff, Duration maxBackoff) {

        /** What the server runs with (docs/durability.md states these). */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMillis(50), Duration.ofSeconds(2));

        public Timing {
            requirePositive(spillAfter, "spillAfter");
            requirePositive(closeDeadline, "closeDeadline");
            requirePositive(minBackoff, "minBackoff");
            requirePositive(maxBackoff, "maxBackoff");
            if (minBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("minBackoff " + minBackoff + " exceeds maxBackoff " + maxBackoff);
            }
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
