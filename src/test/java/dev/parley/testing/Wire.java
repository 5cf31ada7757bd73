package dev.parley.testing;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;

/** Frame bytes for tests: encode messages, build raw headers, decode what a channel wrote. */
public final class Wire {
    private Wire() {
    }

    public static byte[] frame(MessageLite m) {
        ByteBuf b = Frames.encode(ByteBufAllocator.DEFAULT, m);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    public static byte[] header(int length, int type) {
        return new byte[]{(byte) (length >> 8), (byte) length, (byte) (type >> 8), (byte) type};
    }

    public static byte[] raw(int length, int type, byte[] body) {
        byte[] out = new byte[4 + body.length];
        System.arraycopy(header(length, type), 0, out, 0, 4);
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /** Decodes every frame the channel has written (server to client) and releases the buffers. */
    public static List<MessageLite> written(EmbeddedChannel ch) {
        List<Object> bufs = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            bufs.add(o);
        }
        return decode(bufs);
    }

    /** Decodes bytes a server sent (e.g. read from a raw socket). */
    public static List<MessageLite> decodeServerFrames(byte[] bytes) {
        return decode(List.of(Unpooled.wrappedBuffer(bytes)));
    }

    private static List<MessageLite> decode(List<Object> bufs) {
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.CLIENT, Frames.MAX_FRAME_LENGTH));
        for (Object o : bufs) {
            decoder.writeInbound(o);
        }
        List<MessageLite> out = new ArrayList<>();
        for (Object o; (o = decoder.readInbound()) != null; ) {
            out.add((MessageLite) o);
        }
        decoder.finishAndReleaseAll();
        return out;
    }
}
