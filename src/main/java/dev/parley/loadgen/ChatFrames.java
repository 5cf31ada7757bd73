package dev.parley.loadgen;

import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.MsgType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;

/**
 * The two frames on the load path, written and read without protobuf objects.
 *
 * <p>A full parse of every {@code ChatNotify} would build a message, a {@code Member} and a
 * {@code String} per delivery; at hundreds of thousands of deliveries a second on the cores
 * the server also needs, that garbage is the client's largest cost. The receive side
 * therefore walks the protobuf wire format in place and picks out {@code client_msg_id},
 * skipping the text; the send side writes {@code ChatRequest} straight into a pooled buffer.
 * Both follow the proto3 encoding, which tests check against the generated classes.
 */
public final class ChatFrames {

    static final int CHAT_REQUEST = MsgType.CHAT_REQUEST_VALUE;
    static final int CHAT_NOTIFY = MsgType.CHAT_NOTIFY_VALUE;

    private static final int TEXT_TAG = (ChatRequest.TEXT_FIELD_NUMBER << 3) | 2;
    private static final int CMID_TAG = (ChatRequest.CLIENT_MSG_ID_FIELD_NUMBER << 3);
    private static final int NOTIFY_CMID_FIELD = ChatNotify.CLIENT_MSG_ID_FIELD_NUMBER;

    /** Returned by {@link #notifyClientMsgId} when the body is malformed or has no id. */
    public static final long NONE = -1;

    private ChatFrames() {
    }

    /**
     * A complete {@code ChatRequest} frame whose text is the first {@code textLength} bytes of
     * {@code text} (which must be valid UTF-8 on its own, e.g. ASCII).
     */
    public static ByteBuf chatRequest(ByteBufAllocator alloc, byte[] text, int textLength, long clientMsgId) {
        int body = 1 + varintSize(textLength) + textLength + (clientMsgId == 0 ? 0 : 1 + varintSize(clientMsgId));
        int frame = Frames.HEADER_BYTES + body;
        if (frame > Frames.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("a chat of " + textLength + " bytes does not fit a frame");
        }
        ByteBuf buf = alloc.directBuffer(frame, frame);
        buf.writeShort(frame);
        buf.writeShort(CHAT_REQUEST);
        buf.writeByte(TEXT_TAG);
        writeVarint(buf, textLength);
        buf.writeBytes(text, 0, textLength);
        if (clientMsgId != 0) {
            buf.writeByte(CMID_TAG);
            writeVarint(buf, clientMsgId);
        }
        return buf;
    }

    /**
     * The {@code client_msg_id} of the {@code ChatNotify} body in {@code buf[from, to)}, read
     * without moving any index, or {@link #NONE} if the body is malformed or carries none.
     */
    public static long notifyClientMsgId(ByteBuf buf, int from, int to) {
        ByteBuffer view = view(buf);
        int shift = viewShift(buf, view);
        return notifyClientMsgId(view, from + shift, to + shift);
    }

    /**
     * A view of {@code buf}'s readable bytes for {@link #notifyClientMsgId(ByteBuffer, int, int)}:
     * the buffer's own cached NIO view where it has one (no allocation), else a new one.
     * Index {@code i} of {@code buf} is index {@code i + viewShift(buf, view)} of the view.
     */
    static ByteBuffer view(ByteBuf buf) {
        return buf.nioBufferCount() == 1 ? buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes())
                : buf.nioBuffer(buf.readerIndex(), buf.readableBytes());
    }

    static int viewShift(ByteBuf buf, ByteBuffer view) {
        return view.position() - buf.readerIndex();
    }

    /**
     * The {@code client_msg_id} of the {@code ChatNotify} body in {@code buf[from, to)}
     * (absolute indexes), or {@link #NONE}. Unknown fields are skipped, so newer servers that
     * add fields still parse.
     */
    public static long notifyClientMsgId(ByteBuffer buf, int from, int to) {
        int i = from;
        long found = NONE;
        while (i < to) {
            long tag = 0;
            int shift = 0;
            byte b;
            do {
                if (i >= to || shift > 28) {
                    return NONE;
                }
                b = buf.get(i++);
                tag |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> { // varint
                    long v = 0;
                    shift = 0;
                    do {
                        if (i >= to || shift > 63) {
                            return NONE;
                        }
                        b = buf.get(i++);
                        v |= (long) (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    if (field == NOTIFY_CMID_FIELD) {
                        found = v;
                    }
                }
                case 1 -> i += 8; // fixed64
                case 2 -> { // length-delimited: the text, the sender; skipped
                    long len = 0;
                    shift = 0;
                    do {
                        if (i >= to || shift > 28) {
                            return NONE;
                        }
                        b = buf.get(i++);
                        len |= (long) (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    i += (int) len;
                }
                case 5 -> i += 4; // fixed32
                default -> {
                    return NONE;
                }
            }
        }
        return i == to ? found : NONE;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static void writeVarint(ByteBuf buf, long v) {
        while ((v & ~0x7FL) != 0) {
            buf.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.writeByte((int) v);
    }
}
