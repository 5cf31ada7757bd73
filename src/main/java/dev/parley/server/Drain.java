package dev.parley.server;

import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.session.GoingAway;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The first part of a shutdown: the server has been marked not ready (so load balancers send
 * no new players); now every connection is told it is going away ({@link GoingAwayNotify} with a
 * suggested reconnect delay), logins are refused with {@code SERVER_BUSY}, and the connected
 * players keep being served for the drain's length, so they can finish and move on their own.
 * It ends early once no connection is left (nothing more to serve), or when {@link #cut()} is
 * called (a second SIGTERM). The listener stays open meanwhile: a player who connects during the
 * drain gets the notice at once rather than a refused connection that looks like a crash.
 *
 * <p>{@link #run} runs on the thread that closes the server and blocks it for the drain;
 * {@link #cut} may be called from any thread.
 */
final class Drain {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    /**
     * The reconnect delay the notice suggests: clients wait this long after their connection
     * closes, plus a random share of up to as much again, so a drained server's players reach
     * the next server spread over a second rather than in one burst.
     */
    static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);
    /** How often the drain looks whether any connection is left. */
    private static final long CHECK_MILLIS = 20;

    private final CountDownLatch cut = new CountDownLatch(1);

    /**
     * Tells every connection, then waits until {@code length} has passed, every connection has
     * gone or the drain is cut. Returns at once for a zero length, having told no one.
     */
    void run(Duration length, GoingAway goingAway, ChannelGroup channels) {
        if (length.isZero()) {
            return;
        }
        GoingAwayNotify notice = GoingAwayNotify.newBuilder()
                .setReason("shutting down")
                .setReconnectAfterMs((int) RECONNECT_AFTER.toMillis()).build();
        goingAway.begin(notice, length.plus(RECONNECT_AFTER).toMillis());
        int told = channels.size();
        // encoded once; the group writes a retained duplicate to each connection
        channels.writeAndFlush(Frames.encode(ByteBufAllocator.DEFAULT, notice));
        log.atInfo().addKeyValue("event", "drain_started").addKeyValue("connections", told)
                .log("Parley draining: told {} connection(s) the server is going away; serving them for up to {} ms",
                        told, length.toMillis());
        long deadline = System.nanoTime() + length.toNanos();
        try {
            while (!channels.isEmpty() && System.nanoTime() - deadline < 0
                    && !cut.await(CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                // serving: the event loops carry on; this thread only waits
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // ends the drain early; the shutdown goes on
        }
        log.atInfo().addKeyValue("event", "drain_ended").addKeyValue("connections", channels.size())
                .log("Parley drain over: {} connection(s) left to close", channels.size());
    }

    /** Ends a running drain at once (or the next one before it starts). */
    void cut() {
        cut.countDown();
    }
}
