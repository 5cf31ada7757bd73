package dev.parley.loadgen;

import java.util.Locale;

/**
 * A run's outcome in one line, for the chart's banner and the report: passed or not, why, and
 * the figures it was judged on.
 *
 * @param passed  the run passed (a clean phase; for {@code --find-max}, a passing step)
 * @param reason  why: what went wrong, or what "passed" means for this run
 * @param figures the figures the run is judged on, e.g. deliveries/s and p99
 */
public record Verdict(boolean passed, String reason, String figures) {

    /** One phase: passed when every expected delivery arrived exactly once ({@link PhaseResult#clean()}). */
    public static Verdict of(PhaseResult r) {
        return new Verdict(r.clean(), r.clean() ? "every expected delivery arrived exactly once" : ResultPrinter.failure(r),
                String.format(Locale.ROOT, "%s deliveries/s of %s expected/s, p99 %s ms, %,d lost, %,d duplicates, "
                                + "%,d errors, %,d disconnects", ResultPrinter.count(r.deliveriesPerSec()),
                        ResultPrinter.count(r.expectedPerSec()), ResultPrinter.ms(r.latencyUs().p99()), r.lost(),
                        r.duplicates(), r.errors(), r.disconnects()));
    }

    /** {@code PASS} or {@code FAIL}. */
    public String label() {
        return passed ? "PASS" : "FAIL";
    }

    /** The same verdict with {@code more} appended to its reason, e.g. why the server disconnected clients. */
    public Verdict withReason(String more) {
        return new Verdict(passed, reason + "; " + more, figures);
    }

    /** The same verdict with {@code more} appended to its figures, e.g. what they are compared with. */
    public Verdict withFigures(String more) {
        return new Verdict(passed, reason, figures + "; " + more);
    }

    @Override
    public String toString() {
        return label() + ": " + reason;
    }
}
