package dev.parley.loadgen;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One hostile connection's behaviour, after a frame splitter: a <b>flooder</b> logs in, creates
 * a room of its own (so its chat never reaches the measured clients' accounting) and then
 * writes chat requests for as long as the socket takes them, reading what comes back or, as
 * a non-reader, nothing at all; a <b>silent</b> connection never logs in, and a
 * <b>half-header</b> one sends the first two bytes of a frame header and then nothing; a
 * <b>probe</b> logs in once and reports how long that took. Records what the server did to it
 * in {@link HostileStats}. Runs on its connection's event loop.
 */
final class HostileConnection extends ChannelInboundHandlerAdapter {

    enum Role { FLOODER, SILENT, HALF_HEADER, PROBE }

    /** Chat frames written per turn of the event loop before yielding to other tasks. */
    private static final int BURST = 64;
    private static final int FLOOD_TEXT_BYTES = 64;
    /** Pause between bursts while the socket still takes more: up to ~1 M chat requests a second. */
    private static final long YIELD_MICROS = 50;
    /** The first half of a 4-byte header announcing a 64-byte frame; the rest never comes. */
    static final byte[] HALF_HEADER_BYTES = {0, 64};

    private final Role role;
    private final String name;
    private final String password;
    private final String roomName;
    private final boolean reads;
    private final HostileStats stats;
    private final byte[] text;
    /** Told the probe's login time in milliseconds (-1 when it failed). */
    private final LongConsumer probeResult;

    /** Set by the loadgen before it closes the connection itself. */
    volatile boolean closing;
    private long startNanos;
    private boolean created;
    private boolean flooding;
    private boolean inBurst;
    private boolean burstScheduled;
    private String lastResult;
    private long seq;

    HostileConnection(Role role, String name, String password, String roomName, boolean reads, HostileStats stats,
                      LongConsumer probeResult) {
        this.role = role;
        this.name = name;
        this.password = password;
        this.roomName = roomName;
        this.reads = reads;
        this.stats = stats;
        this.probeResult = probeResult;
        this.text = new byte[FLOOD_TEXT_BYTES];
        java.util.Arrays.fill(text, (byte) 'f');
    }

    boolean isFlooder() {
        return role == Role.FLOODER;
    }

    /** Starts the clock at the connect attempt, so a probe's time includes connecting. */
    HostileConnection started() {
        startNanos = System.nanoTime();
        return this;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        switch (role) {
            case SILENT -> startNanos = System.nanoTime();
            case HALF_HEADER -> {
                startNanos = System.nanoTime();
                ctx.writeAndFlush(ctx.alloc().buffer(2).writeBytes(HALF_HEADER_BYTES));
            }
            case FLOODER, PROBE -> ctx.writeAndFlush(Frames.encode(ctx.alloc(),
                    LoginRequest.newBuilder().setName(name).setPassword(password).build()));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            stats.bytesRead.addAndGet(frame.readableBytes());
            if (created && !reads) {
                return; // what the transport drains once the server has closed (EPOLLRDHUP)
            }
            int type = frame.getUnsignedShort(2);
            if (type == ChatFrames.CHAT_NOTIFY) {
                return; // the flooder's own echo
            }
            MessageCatalog.Kind kind = MessageCatalog.byType(type);
            if (kind == null) {
                return;
            }
            MessageLite m = kind.parser().parseFrom(frame.nioBuffer(Frames.HEADER_BYTES,
                    frame.readableBytes() - Frames.HEADER_BYTES));
            onMessage(ctx, m);
        } catch (InvalidProtocolBufferException e) {
            stats.error("unparsable");
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, MessageLite m) {
        if (m instanceof ErrorNotify e) {
            lastResult = e.getResult().name();
            stats.error(lastResult);
        } else if (m instanceof LoginResponse r) {
            if (role == Role.PROBE) {
                probeResult.accept(r.getResult() == Result.OK ? elapsedMillis() : -1);
                closing = true;
                ctx.close();
            } else if (r.getResult() != Result.OK) {
                setupFailed(ctx, r.getResult());
            } else {
                ctx.writeAndFlush(Frames.encode(ctx.alloc(), CreateRoomRequest.newBuilder().setName(roomName).build()));
            }
        } else if (m instanceof CreateRoomResponse r) {
            if (r.getResult() != Result.OK) {
                setupFailed(ctx, r.getResult());
                return;
            }
            created = true;
            if (!reads) {
                ctx.channel().config().setAutoRead(false);
                // the frame splitter asks for another read whenever one ends inside a frame
                ctx.pipeline().remove(LengthFieldBasedFrameDecoder.class);
            }
        }
    }

    /**
     * The flood starts once the read that brought the room's creation is over: started inside
     * it, a non-reader's read loop, still under way, would take in the first echoes.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (created && !flooding) {
            flooding = true;
            startNanos = System.nanoTime();
            flood(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    private void setupFailed(ChannelHandlerContext ctx, Result result) {
        stats.error("setup_" + result.name());
        closing = true;
        ctx.close();
    }

    /**
     * Writes chat while the socket takes it; continues when it becomes writable again. One burst
     * chain at a time: a flush that drains the buffer fires the writability event inside the
     * burst, and the next burst may already be scheduled.
     */
    private void flood(ChannelHandlerContext ctx) {
        if (!flooding || inBurst || !ctx.channel().isActive()) {
            return;
        }
        inBurst = true;
        int n = 0;
        try {
            while (ctx.channel().isWritable() && n < BURST) {
                ctx.write(ChatFrames.chatRequest(ctx.alloc(), text, text.length, ++seq), ctx.voidPromise());
                n++;
            }
            ctx.flush();
        } finally {
            inBurst = false;
        }
        stats.chatsSent.addAndGet(n);
        if (ctx.channel().isWritable() && !burstScheduled) {
            // a scheduled task, not execute(): a task that re-queues itself would keep the loop
            // from reading (its task run drains the queue, new tasks included)
            burstScheduled = true;
            ctx.executor().schedule(() -> {
                burstScheduled = false;
                flood(ctx);
            }, YIELD_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !burstScheduled) {
            flood(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // typically the server's reset after it closed us
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flooding = false;
        if (role == Role.PROBE && !closing) {
            probeResult.accept(-1);
        } else if (!closing && startNanos != 0 && (role != Role.FLOODER || seq > 0)) {
            stats.closedByServer(elapsedMillis(), lastResult);
        } else if (!closing) {
            stats.error("closed_during_setup");
        }
        ctx.fireChannelInactive();
    }

    private long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
