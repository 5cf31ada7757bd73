package dev.parley.session;

import dev.parley.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;

/**
 * Flush consolidation for one event loop. Fan-out writes to many channels mark them here
 * instead of flushing each one; a single task, queued behind the fan-out work already waiting
 * on the loop, flushes them all. Under load one flush (one {@code writev}) then carries many
 * deliveries to a client; when idle the flush runs right after the write, so latency does
 * not grow. Loop-confined: obtain it with {@link #current()} on the loop that owns the channels.
 */
public final class FlushBatcher implements Runnable {

    /** A channel's "already marked" bit lives with its owner, so marking costs no lookup. */
    public interface Flushable {
        Channel channel();

        boolean flushPending();

        void flushPending(boolean pending);
    }

    private static final FastThreadLocal<FlushBatcher> PER_LOOP = new FastThreadLocal<>() {
        @Override
        protected FlushBatcher initialValue() {
            return new FlushBatcher();
        }
    };

    private final ArrayList<Flushable> pending = new ArrayList<>();
    private boolean scheduled;
    /** The metrics of the server this loop belongs to; a loop serves one server. */
    private ServerMetrics metrics;

    /** The batcher of the calling event loop thread. */
    public static FlushBatcher current() {
        return PER_LOOP.get();
    }

    /** Records that {@code target} has unflushed writes; it will be flushed by this loop soon. */
    public void mark(Flushable target, ServerMetrics metrics) {
        this.metrics = metrics;
        if (!target.flushPending()) {
            target.flushPending(true);
            pending.add(target);
        }
        if (!scheduled) {
            scheduled = true;
            target.channel().eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        int n = pending.size();
        for (int i = 0; i < n; i++) {
            Flushable f = pending.get(i);
            f.flushPending(false);
            f.channel().flush();
        }
        pending.clear();
        if (metrics != null) {
            metrics.flushes(n);
        }
    }
}
