package dev.parley.loadgen;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.protocol.pb.MsgType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The receive path of one load client. {@code ChatNotify} frames, nearly all the traffic, are
 * accounted in place from the frame bytes ({@link ChatFrames#notifyClientMsgId}); the rare
 * other frames are parsed into protobuf messages for the setup logic and error accounting.
 * The receive time is taken once per read, when the bytes reached this process.
 */
final class LoadClientHandler extends ByteToMessageDecoder {

    /** Told about refused chats and lost connections, to report them once. */
    interface Events {
        void chatRefused(LoadClient client, ErrorNotify error);

        void otherError(LoadClient client, ErrorNotify error);

        void disconnected(LoadClient client, Throwable cause);

        void malformed(LoadClient client, String what);
    }

    private static final int MEMBER_JOINED = MsgType.MEMBER_JOINED_NOTIFY_VALUE;
    private static final int MEMBER_LEFT = MsgType.MEMBER_LEFT_NOTIFY_VALUE;

    private final LoadClient client;
    private final PhaseTable phases;
    private final LoopStats stats;
    private final Events events;
    private long readNanos;

    LoadClientHandler(LoadClient client, PhaseTable phases, LoopStats stats, Events events) {
        this.client = client;
        this.phases = phases;
        this.stats = stats;
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            readNanos = System.nanoTime();
            stats.add(Counts.BYTES_IN, buf.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        long now = readNanos;
        ByteBuffer view = null;
        int shift = 0;
        while (in.readableBytes() >= Frames.HEADER_BYTES) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start);
            if (length < Frames.HEADER_BYTES) {
                stats.inc(Counts.MALFORMED);
                events.malformed(client, "frame length " + length + " is shorter than its header; closing");
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < length) {
                return;
            }
            int type = in.getUnsignedShort(start + 2);
            int bodyStart = start + Frames.HEADER_BYTES;
            if (type == ChatFrames.CHAT_NOTIFY) {
                if (view == null) {
                    view = ChatFrames.view(in);
                    shift = ChatFrames.viewShift(in, view);
                }
                long cmid = ChatFrames.notifyClientMsgId(view, bodyStart + shift, start + length + shift);
                if (cmid == ChatFrames.NONE || cmid == 0) {
                    stats.inc(Counts.MALFORMED);
                    events.malformed(client, "ChatNotify without a readable client_msg_id");
                } else {
                    client.tracker.onDelivery(cmid, now, phases, stats);
                }
            } else if (type != MEMBER_JOINED && type != MEMBER_LEFT) {
                onOther(type, in, bodyStart, length - Frames.HEADER_BYTES);
            }
            in.readerIndex(start + length);
        }
    }

    private void onOther(int type, ByteBuf in, int bodyStart, int bodyLength) {
        MessageCatalog.Kind kind = MessageCatalog.byType(type);
        if (kind == null || !kind.sentByServer()) {
            stats.inc(Counts.MALFORMED);
            events.malformed(client, "unexpected frame type " + type);
            return;
        }
        MessageLite message;
        try {
            message = kind.parser().parseFrom(in.nioBuffer(bodyStart, bodyLength));
        } catch (InvalidProtocolBufferException e) {
            stats.inc(Counts.MALFORMED);
            events.malformed(client, kind.msgType() + " does not parse: " + e.getMessage());
            return;
        }
        if (message instanceof ErrorNotify error) {
            onError(error);
        } else if (message instanceof GoingAwayNotify) {
            client.closing = true; // the server drains and will close this connection: not a disconnect
        } else {
            client.onMessage(message);
        }
    }

    private void onError(ErrorNotify error) {
        stats.inc(Counts.errorSlot(error.getResultValue()));
        if (error.getRequestType() == MsgType.CHAT_REQUEST && error.getClientMsgId() != 0) {
            stats.inc(Counts.REJECTED);
            stats.add(Counts.REJECTED_DELIVERIES, client.roomSize);
            events.chatRefused(client, error);
        } else if (!client.onSetupError(error)) {
            events.otherError(client, error);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.closeCause = cause;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        client.onClosed();
        if (!client.closing) {
            stats.inc(Counts.DISCONNECTS);
            events.disconnected(client, client.closeCause);
        }
        super.channelInactive(ctx);
    }
}
