package dev.parley.loadgen;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ErrorNotify;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated player: its connection, its place in the room layout, the one setup request
 * it may have outstanding, and what it has received.
 */
final class LoadClient {

    final int index;
    final String name;
    final int room;
    final int roomSize;
    final int loop;
    final DeliveryTracker tracker;

    volatile Channel channel;
    volatile long roomId;
    /**
     * Set before the loadgen closes connections itself, or when the server says it is going
     * away (a drain), so those closes are not disconnects.
     */
    volatile boolean closing;
    volatile Throwable closeCause;

    private final AwaitedReply reply = new AwaitedReply();

    LoadClient(int index, String name, RoomLayout layout, int loop) {
        this.index = index;
        this.name = name;
        this.room = layout.room(index);
        this.roomSize = layout.size(room);
        this.loop = loop;
        this.tracker = new DeliveryTracker(layout, index);
    }

    /** Sends a setup request; the future completes with the first message of {@code responseType}. */
    <T extends MessageLite> CompletableFuture<T> request(MessageLite request, Class<T> responseType) {
        return reply.request(channel, request, responseType, "connection closed" + causeText());
    }

    /** A non-chat message from the server (event loop). */
    void onMessage(MessageLite message) {
        reply.offer(message);
    }

    /** An error for a setup request; returns false when nothing was awaited (event loop). */
    boolean onSetupError(ErrorNotify error) {
        return reply.fail(new SetupFailure(error.getResult(), error.getReason()));
    }

    void onClosed() {
        reply.fail(new SetupFailure(null, "connection closed" + causeText()));
    }

    private String causeText() {
        Throwable c = closeCause;
        return c == null ? "" : ": " + c;
    }

    /** Sends the {@code seq}-th message of {@code phase}, due at {@code due} (event loop). */
    void sendChat(Phase phase, long seq, long due, LoopStats stats, PayloadMix mix, byte[] text) {
        Channel ch = channel;
        if (!ch.isActive()) {
            stats.inc(Counts.SEND_SKIPPED);
            return;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int size = mix.size(r.nextDouble(), r.nextDouble());
        ByteBuf frame = ChatFrames.chatRequest(ch.alloc(), text, size, MsgIds.encode(phase.id(), index, seq));
        ch.writeAndFlush(frame, ch.voidPromise());
        stats.inc(Counts.SENT);
        stats.add(Counts.EXPECTED, roomSize);
        if (phase.isMeasured(due)) {
            stats.inc(Counts.SENT_MEASURED);
            stats.add(Counts.EXPECTED_MEASURED, roomSize);
        }
    }
}
