package dev.parley.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The waits between the attempts of one reconnect, per a {@link ReconnectPolicy}: exponential,
 * jittered, and cut off when the policy's time is spent. Time and randomness come in from
 * outside, so the schedule is a pure function of them. One instance per reconnect; used on the
 * client thread.
 */
public final class Backoff {

    private final ReconnectPolicy policy;
    private final DoubleSupplier random;
    private Duration nominal;

    /** @param random uniform values in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble} */
    public Backoff(ReconnectPolicy policy, DoubleSupplier random) {
        this.policy = policy;
        this.random = random;
        this.nominal = policy.firstDelay();
    }

    /**
     * The wait before the first attempt after a server said it is going away
     * ({@code GoingAwayNotify.reconnect_after_ms}, here {@code base}): the base plus a uniform
     * random share of up to as much again, so that the clients of a drained server come back
     * spread over that time rather than all at once. After any other loss the first attempt
     * is made at once. Counts toward the policy's time like any wait.
     */
    public Duration afterGoingAway(Duration base) {
        return base.plusNanos(Math.round(base.toNanos() * random.getAsDouble()));
    }

    /**
     * The wait before the next attempt, given the time {@code elapsed} since the connection was
     * lost; null when that time is spent. The last wait is cut to end when the time does.
     */
    public Duration next(Duration elapsed) {
        Duration left = policy.giveUpAfter().minus(elapsed);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        double factor = 1 + policy.jitter() * (2 * random.getAsDouble() - 1);
        Duration wait = Duration.ofNanos(Math.round(nominal.toNanos() * factor));
        Duration doubled = nominal.multipliedBy(2);
        nominal = doubled.compareTo(policy.maxDelay()) < 0 ? doubled : policy.maxDelay();
        return wait.compareTo(left) < 0 ? wait : left;
    }
}
