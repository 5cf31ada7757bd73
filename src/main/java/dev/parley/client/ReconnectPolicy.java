package dev.parley.client;

import dev.parley.protocol.pb.Result;

import java.time.Duration;

/**
 * How a {@link ParleyClient} restores a lost connection: it tries at once, then waits
 * {@code firstDelay}, doubling up to {@code maxDelay}, each wait varied by up to
 * ±{@code jitter} (a fraction) so that many clients dropped together do not come back in
 * step, until {@code giveUpAfter} has passed since the loss.
 *
 * <p>This is also the one place that says which refused logins are worth another try
 * ({@link #retriesLogin}): right after a drop the server may still hold the old session and
 * refuse the name as online ({@code ALREADY_LOGGED_IN}) for a moment.
 *
 * @param giveUpAfter how long after a loss the client stops trying; zero turns reconnecting off
 * @param firstDelay  the wait after the first failed attempt
 * @param maxDelay    the longest wait
 * @param jitter      0 to 1: each wait is the nominal one times a random factor in [1 - jitter, 1 + jitter]
 */
public record ReconnectPolicy(Duration giveUpAfter, Duration firstDelay, Duration maxDelay, double jitter) {

    /** Long enough for a server restart. */
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(1);
    /** A dropped connection or a restarting server is usually back within a second. */
    public static final Duration DEFAULT_FIRST_DELAY = Duration.ofMillis(500);
    /** Capped, so a server that is down for a while is not hammered. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
    public static final double DEFAULT_JITTER = 0.2;

    public ReconnectPolicy {
        if (giveUpAfter.isNegative()) {
            throw new IllegalArgumentException("giveUpAfter must not be negative, was " + giveUpAfter);
        }
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay, were " + firstDelay + ", " + maxDelay);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be 0-1, was " + jitter);
        }
    }

    /** The defaults, giving up after {@code giveUpAfter} (zero: no reconnecting). */
    public static ReconnectPolicy giveUpAfter(Duration giveUpAfter) {
        return new ReconnectPolicy(giveUpAfter, DEFAULT_FIRST_DELAY, DEFAULT_MAX_DELAY, DEFAULT_JITTER);
    }

    /** The defaults: 0.5 s doubling to 10 s, ±20 %, for a minute. */
    public static ReconnectPolicy defaults() {
        return giveUpAfter(DEFAULT_GIVE_UP_AFTER);
    }

    /** A lost connection is not restored (an explicit {@link ParleyClient#reconnect()} tries once). */
    public static ReconnectPolicy off() {
        return giveUpAfter(Duration.ZERO);
    }

    public boolean enabled() {
        return !giveUpAfter.isZero();
    }

    /**
     * Whether a login refused with {@code result} during a reconnect is tried again (on the
     * backoff schedule) rather than ending the client: the name still online from the dropped
     * session, and the server's passing troubles. Anything else (a wrong password) will not pass.
     */
    public static boolean retriesLogin(Result result) {
        return result == Result.ALREADY_LOGGED_IN || result == Result.SERVER_BUSY
                || result == Result.INTERNAL_ERROR || result == Result.RATE_LIMITED;
    }
}
