package dev.parley.loadgen;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;

/**
 * The one reply a load player waits for during setup (a login, create, join or history
 * request): sends the request and completes with the first message of the awaited type, or
 * fails with a {@link SetupFailure}. Thread-safe: requests come from any thread, replies on the
 * connection's event loop.
 */
final class AwaitedReply {

    private Class<?> type;
    private CompletableFuture<MessageLite> future;

    /** Sends {@code request} on {@code ch}; {@code closed} is the failure's text when the connection is gone. */
    <T extends MessageLite> CompletableFuture<T> request(Channel ch, MessageLite request, Class<T> responseType,
                                                          String closed) {
        CompletableFuture<MessageLite> f = new CompletableFuture<>();
        synchronized (this) {
            future = f;
            type = responseType;
        }
        if (ch == null || !ch.isActive()) {
            fail(new SetupFailure(null, closed));
        } else {
            ch.writeAndFlush(Frames.encode(ch.alloc(), request)).addListener(w -> {
                if (!w.isSuccess()) {
                    fail(new SetupFailure(null, "send failed: " + w.cause()));
                }
            });
        }
        return f.thenApply(responseType::cast);
    }

    /** Completes the awaited reply with {@code message} when it is of the awaited type; false otherwise. */
    boolean offer(MessageLite message) {
        CompletableFuture<MessageLite> f;
        synchronized (this) {
            if (future == null || !type.isInstance(message)) {
                return false;
            }
            f = future;
            future = null;
        }
        f.complete(message);
        return true;
    }

    /** Fails the awaited reply; false when nothing was awaited. */
    boolean fail(Throwable cause) {
        CompletableFuture<MessageLite> f;
        synchronized (this) {
            f = future;
            future = null;
        }
        return f != null && f.completeExceptionally(cause);
    }
}
