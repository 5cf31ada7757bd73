package dev.parley.client;

import java.time.Duration;

/** Starts reply timers on the client thread; a seam so the correlation logic is testable without a clock. */
interface Timeouts {

    /** Runs {@code onTimeout} after {@code after} unless the returned canceller runs first. */
    Runnable start(Duration after, Runnable onTimeout);

    /** Timers that never fire, for tests that feed replies by hand. */
    Timeouts NONE = (after, onTimeout) -> () -> { };
}
