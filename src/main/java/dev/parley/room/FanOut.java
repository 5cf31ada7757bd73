package dev.parley.room;

import dev.parley.session.ClientSession;

import dev.parley.metrics.ServerMetrics;
import dev.parley.session.FlushBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Delivers one encoded frame to the members of a room that one event loop serves. It runs on
 * that loop, so it writes to the channels directly (no task per recipient) and leaves the
 * flush to the loop's {@link FlushBatcher}. Owns one reference to the frame.
 */
final class FanOut implements Runnable {

    private final ByteBuf frame;
    private final ClientSession[] members;
    private final ClientSession skip;
    private final Broadcast broadcast;

    FanOut(ByteBuf frame, ClientSession[] members, ClientSession skip, Broadcast broadcast) {
        this.frame = frame;
        this.members = members;
        this.skip = skip;
        this.broadcast = broadcast;
    }

    @Override
    public void run() {
        FlushBatcher flusher = FlushBatcher.current();
        int delivered = 0;
        try {
            for (ClientSession m : members) {
                Channel ch = m.channel();
                if (m != skip && ch.isActive()) {
                    ch.write(frame.retainedDuplicate(), ch.voidPromise());
                    flusher.mark(m, broadcast.metrics);
                    delivered++;
                }
            }
        } finally {
            frame.release();
            broadcast.groupDone(delivered);
        }
    }

    /** The loop will not run this task (it has shut down): lets go of the frame. */
    void discard() {
        frame.release();
        broadcast.groupDone(0);
    }

    /** One broadcast across all of a room's event loops: counts it and times it when the last loop is done. */
    static final class Broadcast {
        private final ServerMetrics metrics;
        private final long startNanos;
        private final int frameBytes;
        private final java.util.concurrent.atomic.AtomicInteger groupsLeft;

        Broadcast(ServerMetrics metrics, long startNanos, int frameBytes, int groups) {
            this.metrics = metrics;
            this.startNanos = startNanos;
            this.frameBytes = frameBytes;
            this.groupsLeft = new java.util.concurrent.atomic.AtomicInteger(groups);
        }

        void groupDone(int delivered) {
            metrics.delivered(delivered, (long) delivered * frameBytes);
            if (groupsLeft.decrementAndGet() == 0 && startNanos != 0) {
                metrics.handlingLatency(System.nanoTime() - startNanos);
            }
        }
    }
}
