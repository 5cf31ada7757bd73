package dev.parley.session;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.util.concurrent.TimeUnit;

/**
 * The two deadlines of a connection: it must log in within the login timeout, and once logged
 * in it must not stay silent (no request, not even a ping) for the idle timeout. Time is read
 * from the event loop's {@link Ticker}, so a test moves it with
 * {@code EmbeddedChannel.advanceTimeBy}. Confined to the connection's event loop.
 */
final class Deadlines {

    /** What happens when a deadline passes. */
    interface Expiry {
        void loginTimedOut();

        void idleTimedOut(long silentNanos);

        /** Reads are paused (the client does not read its output): silence is not idleness then. */
        boolean readsPaused();
    }

    private final EventExecutor loop;
    private final Ticker ticker;
    private final long loginNanos;
    private final long idleNanos;
    private final Expiry expiry;
    private ScheduledFuture<?> pending;
    private long lastHeard;
    private boolean stopped;

    Deadlines(EventExecutor loop, long loginNanos, long idleNanos, Expiry expiry) {
        this.loop = loop;
        this.ticker = tickerOf(loop);
        this.loginNanos = loginNanos;
        this.idleNanos = idleNanos;
        this.expiry = expiry;
    }

    /** The clock of {@code loop}: the system's, or a test's mock. */
    static Ticker tickerOf(EventExecutor loop) {
        return loop instanceof AbstractScheduledEventExecutor s ? s.ticker() : Ticker.systemTicker();
    }

    long now() {
        return ticker.nanoTime();
    }

    /** The connection is open: the login deadline starts. */
    void start() {
        lastHeard = now();
        pending = loop.schedule(this::loginDue, loginNanos, TimeUnit.NANOSECONDS);
    }

    /** A request arrived at {@code nanos} (from {@link #now()}). */
    void heard(long nanos) {
        lastHeard = nanos;
    }

    /** The connection logged in: from now on only the idle deadline applies. */
    void loggedIn() {
        cancel();
        if (!stopped) {
            pending = loop.schedule(this::idleDue, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The login deadline passed while a login was being checked: look again shortly. */
    void checkLoginAgainSoon() {
        if (!stopped) {
            pending = loop.schedule(this::loginDue, Math.min(loginNanos, TimeUnit.SECONDS.toNanos(1)),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The connection closed. */
    void stop() {
        stopped = true;
        cancel();
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void loginDue() {
        pending = null;
        if (!stopped) {
            expiry.loginTimedOut();
        }
    }

    private void idleDue() {
        pending = null;
        if (stopped) {
            return;
        }
        long silent = now() - lastHeard;
        if (silent >= idleNanos && !expiry.readsPaused()) {
            expiry.idleTimedOut(silent);
            return;
        }
        long wait = silent >= idleNanos ? idleNanos : idleNanos - silent;
        pending = loop.schedule(this::idleDue, wait, TimeUnit.NANOSECONDS);
    }
}
