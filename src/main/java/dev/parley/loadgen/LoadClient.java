package dev.parley.loadgen;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
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

    private final Object lock = new Object();
    private Class<?> awaitedType;
    private CompletableFuture<MessageLite> awaited;

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
        CompletableFuture<MessageLite> f = new CompletableFuture<>();
        synchronized (lock) {
            awaited = f;
            awaitedType = responseType;
        }
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            failAwaited(new SetupFailure(null, "connection closed" + causeText()));
        } else {
            ch.writeAndFlush(Frames.encode(ch.alloc(), request)).addListener(w -> {
                if (!w.isSuccess()) {
                    failAwaited(new SetupFailure(null, "send failed: " + w.cause()));
                }
            });
        }
        return f.thenApply(responseType::cast);
    }

    /** A non-chat message from the server (event loop). */
    void onMessage(MessageLite message) {
        CompletableFuture<MessageLite> f = null;
        synchronized (lock) {
            if (awaited != null && awaitedType.isInstance(message)) {
                f = awaited;
                awaited = null;
            }
        }
        if (f != null) {
            f.complete(message);
        }
    }

    /** An error for a setup request; returns false when nothing was awaited (event loop). */
    boolean onSetupError(ErrorNotify error) {
        return failAwaited(new SetupFailure(error.getResult(), error.getReason()));
    }

    void onClosed() {
        failAwaited(new SetupFailure(null, "connection closed" + causeText()));
    }

    private String causeText() {
        Throwable c = closeCause;
        return c == null ? "" : ": " + c;
    }

    private boolean failAwaited(Throwable t) {
        CompletableFuture<MessageLite> f;
        synchronized (lock) {
            f = awaited;
            awaited = null;
        }
        return f != null && f.completeExceptionally(t);
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
