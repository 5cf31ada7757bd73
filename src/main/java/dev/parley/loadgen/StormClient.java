package dev.parley.loadgen;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One player of the reconnect storm: its current connection, its one outstanding request, its
 * session token, and every chat seq of its room it has received, across all its connections,
 * in arrival order (so a duplicate or a gap shows). Its connections may live on different event
 * loops one after the other: the state is guarded by the client's lock.
 */
final class StormClient {

    final int index;
    final String name;
    final int room;

    volatile Channel channel;
    volatile long roomId;
    volatile String sessionToken;
    /** Nanos when its reconnect completed (logged in, rejoined, history read); 0 while not back. */
    volatile long backAt;

    private final Object lock = new Object();
    private final List<Long> seqs = new ArrayList<>();
    private final AwaitedReply reply = new AwaitedReply();

    StormClient(int index, String name, int room) {
        this.index = index;
        this.name = name;
        this.room = room;
    }

    /** Drops the current connection: nothing it still delivers counts as received. */
    void drop() {
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }

    /** Sends {@code request}; completes with the first {@code responseType} message, or fails on an error or close. */
    <T extends MessageLite> CompletableFuture<T> request(MessageLite request, Class<T> responseType) {
        return reply.request(channel, request, responseType, "connection closed");
    }

    /** Sends without waiting (chat: its echo is counted as a seq like everyone's). */
    void send(MessageLite message) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Frames.encode(ch.alloc(), message), ch.voidPromise());
        }
    }

    /** Records seqs a join or history reply carried, in order. */
    void received(List<ChatNotify> messages) {
        synchronized (lock) {
            for (ChatNotify m : messages) {
                seqs.add(m.getSeq());
            }
        }
    }

    /** Every seq received so far, in arrival order. */
    List<Long> seqs() {
        synchronized (lock) {
            return new ArrayList<>(seqs);
        }
    }

    /**
     * The highest seq up to which every seq has been received: what a rejoin asks to resume
     * after, so a retry after a half-done return never skips a gap it did not fill.
     */
    long contiguousSeen() {
        synchronized (lock) {
            java.util.BitSet held = new java.util.BitSet();
            for (long s : seqs) {
                if (s > 0 && s < Integer.MAX_VALUE) {
                    held.set((int) s);
                }
            }
            return held.nextClearBit(1) - 1;
        }
    }

    /** The highest seq received, 0 for none. */
    long lastSeen() {
        synchronized (lock) {
            long max = 0;
            for (long s : seqs) {
                max = Math.max(max, s);
            }
            return max;
        }
    }

    private void onMessage(MessageLite message) {
        if (message instanceof ChatNotify c) {
            synchronized (lock) {
                seqs.add(c.getSeq());
            }
        } else if (message instanceof ErrorNotify e) {
            reply.fail(new SetupFailure(e.getResult(), e.getReason()));
        } else {
            reply.offer(message);
        }
    }

    /** The pipeline's last stage for one of this client's connections; messages come parsed by {@code FrameDecoder}. */
    SimpleChannelInboundHandler<MessageLite> handler() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, MessageLite msg) {
                // A dropped connection may still deliver what its last read brought in: a real drop
                // loses that, and the return must get it back from the server, not from here.
                if (ctx.channel() == channel) {
                    onMessage(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (ctx.channel() == channel) {
                    reply.fail(new SetupFailure(null, "connection closed"));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        };
    }
}
