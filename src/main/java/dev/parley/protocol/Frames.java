package dev.parley.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes messages as {@code [u16 length][u16 type][protobuf body]} frames.
 *
 * <p>A frame is encoded once into a pooled buffer; a broadcast hands each recipient a
 * {@link ByteBuf#retainedDuplicate() retained duplicate} of the same bytes.
 */
public final class Frames {

    public static final int HEADER_BYTES = 4;
    /** The u16 length field caps any frame, header included, at this size. */
    public static final int MAX_FRAME_LENGTH = 65_535;
    /** The largest body that fits a frame. */
    public static final int MAX_BODY_BYTES = MAX_FRAME_LENGTH - HEADER_BYTES;
    /** Default cap for frames a client may send (the server's --max-frame default). */
    public static final int DEFAULT_MAX_CLIENT_FRAME = 8 * 1024;

    private Frames() {
    }

    /** Encodes {@code message} into a new buffer from {@code alloc}; the caller owns the buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, MessageLite message) {
        int type = MessageCatalog.of(message).type();
        int bodySize = message.getSerializedSize();
        if (bodySize > MAX_BODY_BYTES) {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " of " + bodySize
                    + " bytes does not fit a frame (max body " + MAX_BODY_BYTES + ")");
        }
        int frameLength = HEADER_BYTES + bodySize;
        ByteBuf buf = alloc.buffer(frameLength, frameLength);
        boolean ok = false;
        try {
            buf.writeShort(frameLength);
            buf.writeShort(type);
            if (bodySize > 0) {
                CodedOutputStream out = CodedOutputStream.newInstance(buf.internalNioBuffer(buf.writerIndex(), bodySize));
                message.writeTo(out);
                out.checkNoSpaceLeft();
                buf.writerIndex(frameLength);
            }
            ok = true;
            return buf;
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + message.getClass().getSimpleName(), e);
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }
}
