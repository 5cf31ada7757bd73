package dev.parley.room;

import dev.parley.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one encoded frame to the members of a room that one event loop serves. It runs on
 * that loop, so it hands the frame to each member directly (no task per recipient), and each
 * member leaves the flush to its loop's batch ({@link RoomMember#deliver}). Owns one reference
 * to the frame. A chat is not delivered to members who block its sender.
 */
final class FanOut implements Runnable {

    private final ByteBuf frame;
    private final RoomMember[] members;
    private final RoomMember skip;
    /** The chat's sender, whose blockers are skipped; 0 for notices everyone gets. */
    private final long senderId;
    private final Broadcast broadcast;

    FanOut(ByteBuf frame, RoomMember[] members, RoomMember skip, long senderId, Broadcast broadcast) {
        this.frame = frame;
        this.members = members;
        this.skip = skip;
        this.senderId = senderId;
        this.broadcast = broadcast;
    }

    @Override
    public void run() {
        int delivered = 0;
        try {
            for (RoomMember m : members) {
                if (m != skip && (senderId == 0 || !m.blocks(senderId)) && m.deliver(frame)) {
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
        private final AtomicInteger groupsLeft;

        Broadcast(ServerMetrics metrics, long startNanos, int frameBytes, int groups) {
            this.metrics = metrics;
            this.startNanos = startNanos;
            this.frameBytes = frameBytes;
            this.groupsLeft = new AtomicInteger(groups);
        }

        void groupDone(int delivered) {
            metrics.delivered(delivered, (long) delivered * frameBytes);
            if (groupsLeft.decrementAndGet() == 0 && startNanos != 0) {
                metrics.handlingLatency(System.nanoTime() - startNanos);
            }
        }
    }
}
