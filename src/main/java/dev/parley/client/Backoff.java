package dev.parley.client;

import java.time.Duration;

/**
 * The waits between reconnect attempts: 0.5 s, doubling up to 10 s, until the time allowed for
 * reconnecting is spent. Short at first, because a dropped connection or a restarting server is
 * usually back within a second; capped, so a server that is down for a while is not hammered.
 */
public final class Backoff {

    static final Duration FIRST = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(10);

    private final Duration giveUpAfter;
    private Duration next = FIRST;

    /** @param giveUpAfter how long after the connection was lost the client stops trying */
    public Backoff(Duration giveUpAfter) {
        this.giveUpAfter = giveUpAfter;
    }

    /**
     * The wait before the next attempt, given the time {@code elapsed} since the connection was
     * lost; null when that time is spent. The last wait is cut to end when the time does.
     */
    public Duration next(Duration elapsed) {
        Duration left = giveUpAfter.minus(elapsed);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        Duration wait = next.compareTo(left) < 0 ? next : left;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(MAX) < 0 ? doubled : MAX;
        return wait;
    }
}
