package dev.parley.loadgen;

import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends the chat messages of the clients on one event loop, each at its due time.
 *
 * <p>Every client sends once per period at its own offset, so in due-time order the clients
 * always come round in offset order: a cursor over them (sorted by index, hence by offset)
 * replaces a priority queue. The loop wakes at the next due time, sends everything due by
 * then (all overdue messages at once if it fell behind) and sleeps again.
 */
final class SendScheduler implements Runnable {

    private final EventLoop loop;
    private final LoadClient[] clients;
    private final LoopStats stats;
    private final PayloadMix mix;
    private final byte[] text;

    // event loop only
    private Phase phase;
    private int cursor;
    private long round;
    private CompletableFuture<Void> done;
    private volatile boolean stopped;

    SendScheduler(EventLoop loop, LoadClient[] clients, LoopStats stats, PayloadMix mix, byte[] text) {
        this.loop = loop;
        this.clients = clients;
        this.stats = stats;
        this.mix = mix;
        this.text = text;
    }

    /** Starts sending for {@code p}; the future completes once the loop has sent its last message. */
    CompletableFuture<Void> start(Phase p) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            phase = p;
            cursor = 0;
            round = 0;
            done = f;
            run();
        });
        return f;
    }

    /** Stops sending after the current burst (any thread). */
    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        if (clients.length == 0 || stopped) {
            done.complete(null);
            return;
        }
        long now = System.nanoTime();
        while (true) {
            LoadClient c = clients[cursor];
            long due = phase.dueNanos(c.index, round);
            if (!phase.isInside(due)) {
                done.complete(null);
                return;
            }
            if (due > now) {
                now = System.nanoTime();
                if (due > now) {
                    loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                    return;
                }
            }
            c.sendChat(phase, round, due, stats, mix, text);
            if (++cursor == clients.length) {
                cursor = 0;
                round++;
            }
        }
    }
}
