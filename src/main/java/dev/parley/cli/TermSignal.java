package dev.parley.cli;

import org.slf4j.LoggerFactory;

/**
 * SIGTERM as a request to stop rather than the JVM's own exit. By default the JVM answers
 * SIGTERM by running its shutdown hooks and exiting with 143, which supervisors must be told
 * is a success and which leaves no room for a drain that outlasts the hooks' patience. With
 * this handler the server drains and stops, {@code parley server} returns, and the process
 * exits 0. Installed once, from the command's thread; the handler runs on the JVM's signal
 * thread and must only hand the work on.
 */
final class TermSignal {

    private TermSignal() {
    }

    /**
     * Runs {@code onTerm} on each SIGTERM instead of exiting. Where the JVM offers no signal
     * API (it is not in the standard library), the default stays: the shutdown hooks stop the
     * server and the exit code is 143.
     */
    static void install(Runnable onTerm) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> onTerm.run());
        } catch (LinkageError | IllegalArgumentException e) {
            LoggerFactory.getLogger(TermSignal.class).debug("SIGTERM keeps the JVM's default handling", e);
        }
    }
}
