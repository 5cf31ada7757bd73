package dev.parley.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Turns {@code [u16 length][u16 type][protobuf body]} frames into parsed protobuf messages.
 *
 * <p>The header is validated as soon as its four bytes arrive, before the body is buffered, so
 * an oversized or unknown frame is refused without reading it. A violation raises
 * {@link ProtocolViolationException} once; everything the peer sends afterwards is discarded,
 * because the stream can no longer be trusted to be aligned on frame boundaries.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** Which side this decoder runs on decides which message types it accepts. */
    public enum Side { SERVER, CLIENT }

    private final Side side;
    private final int maxFrameLength;
    private boolean failed;

    public FrameDecoder(Side side, int maxFrameLength) {
        if (maxFrameLength < Frames.HEADER_BYTES || maxFrameLength > Frames.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("max frame length must be within 4.." + Frames.MAX_FRAME_LENGTH
                    + ", was " + maxFrameLength);
        }
        this.side = side;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frames.HEADER_BYTES) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getUnsignedShort(start);
        int type = in.getUnsignedShort(start + 2);
        if (length < Frames.HEADER_BYTES) {
            throw fail(in, "frame length " + length + " is shorter than the 4-byte header", type);
        }
        if (length > maxFrameLength) {
            throw fail(in, tooLong(length, maxFrameLength), type);
        }
        MessageCatalog.Kind kind = MessageCatalog.byType(type);
        if (kind == null) {
            throw fail(in, "unknown message type " + type, type);
        }
        if (side == Side.SERVER ? !kind.sentByClient() : !kind.sentByServer()) {
            throw fail(in, wrongSender(kind, side), type);
        }
        if (in.readableBytes() < length) {
            return;
        }
        MessageLite message;
        try {
            message = kind.parser().parseFrom(in.nioBuffer(start + Frames.HEADER_BYTES, length - Frames.HEADER_BYTES));
        } catch (InvalidProtocolBufferException e) {
            throw fail(in, "body of " + kind.msgType() + " does not parse: " + e.getMessage(), type);
        }
        in.skipBytes(length);
        out.add(message);
    }

    /** The reason for a frame over the maximum; also for frames that arrive in another framing (WebSocket JSON). */
    public static String tooLong(int frameLength, int maxFrameLength) {
        return "frame length " + frameLength + " exceeds the maximum of " + maxFrameLength;
    }

    /** The reason for a message the peer on {@code receiver}'s other side may not send. */
    public static String wrongSender(MessageCatalog.Kind kind, Side receiver) {
        return kind.msgType() + " may not be sent by a " + (receiver == Side.SERVER ? "client" : "server");
    }

    private ProtocolViolationException fail(ByteBuf in, String reason, int type) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return new ProtocolViolationException(reason, type);
    }
}
