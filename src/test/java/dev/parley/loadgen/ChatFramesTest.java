package dev.parley.loadgen;

import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MsgType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChatFramesTest {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    @Test
    void chatRequestFramesParseAsTheGeneratedMessage() throws Exception {
        byte[] text = "hello world, a longer text to cut".getBytes(StandardCharsets.US_ASCII);
        for (int len : new int[]{1, 5, text.length}) {
            for (long cmid : new long[]{1, 300, MsgIds.encode(3, 499, 12_345), -1L}) {
                ByteBuf frame = ChatFrames.chatRequest(alloc, text, len, cmid);
                try {
                    assertThat(frame.getUnsignedShort(0)).isEqualTo(frame.readableBytes());
                    assertThat(frame.getUnsignedShort(2)).isEqualTo(MsgType.CHAT_REQUEST_VALUE);
                    ChatRequest parsed = ChatRequest.parseFrom(frame.nioBuffer(4, frame.readableBytes() - 4));
                    assertThat(parsed.getText()).isEqualTo(new String(text, 0, len, StandardCharsets.US_ASCII));
                    assertThat(parsed.getClientMsgId()).isEqualTo(cmid);
                    // byte for byte what the generated encoder produces
                    ByteBuf reference = Frames.encode(alloc, parsed);
                    try {
                        assertThat(ByteBufEquals.same(frame, reference)).isTrue();
                    } finally {
                        reference.release();
                    }
                } finally {
                    frame.release();
                }
            }
        }
    }

    @Test
    void largeTextsUseMultiByteLengths() throws Exception {
        byte[] text = new byte[2048];
        java.util.Arrays.fill(text, (byte) 'x');
        ByteBuf frame = ChatFrames.chatRequest(alloc, text, 2048, 77);
        try {
            ChatRequest parsed = ChatRequest.parseFrom(frame.nioBuffer(4, frame.readableBytes() - 4));
            assertThat(parsed.getText()).hasSize(2048);
            assertThat(parsed.getClientMsgId()).isEqualTo(77);
        } finally {
            frame.release();
        }
    }

    @Test
    void readsTheClientMsgIdOfAChatNotifyWithoutParsingIt() {
        long cmid = MsgIds.encode(2, 4_321, 987);
        ChatNotify n = ChatNotify.newBuilder().setRoomId(12).setSeq(99_999)
                .setSender(Member.newBuilder().setPlayerId(5).setName("lg-abc-1"))
                .setText("x".repeat(1500)).setClientMsgId(cmid).setServerTimeMs(1_700_000_000_000L).build();
        assertThat(scan(n.toByteArray())).isEqualTo(cmid);
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() {
        long cmid = MsgIds.encode(1, 1, 1);
        ChatNotify base = ChatNotify.newBuilder().setText("hi").setClientMsgId(cmid).build();
        byte[] known = base.toByteArray();
        byte[] extra = {
                (byte) 0xA0, 0x01, (byte) 0x96, 0x01,                // field 20 (two-byte tag) varint 150
                (byte) ((11 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8,      // field 11 fixed64
                (byte) ((12 << 3) | 2), 3, 'a', 'b', 'c',            // field 12 bytes
                (byte) ((13 << 3) | 5), 1, 2, 3, 4                   // field 13 fixed32
        };
        byte[] body = new byte[known.length + extra.length];
        System.arraycopy(extra, 0, body, 0, extra.length);
        System.arraycopy(known, 0, body, extra.length, known.length);
        assertThat(scan(body)).isEqualTo(cmid);
    }

    @Test
    void reportsMissingOrMalformedIds() {
        assertThat(scan(ChatNotify.newBuilder().setText("no id").build().toByteArray())).isEqualTo(ChatFrames.NONE);
        byte[] ok = ChatNotify.newBuilder().setText("hello").setClientMsgId(5).build().toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(ok, 4); // the text's length runs past the end
        assertThat(scan(truncated)).isEqualTo(ChatFrames.NONE);
        assertThat(scan(new byte[]{(byte) ((5 << 3) | 0), (byte) 0x80})).isEqualTo(ChatFrames.NONE); // unfinished varint
        assertThat(scan(new byte[]{(byte) ((5 << 3) | 7), 1})).isEqualTo(ChatFrames.NONE);          // bad wire type
    }

    @Test
    void scansInsideALargerBufferWithoutMovingItsIndexes() {
        long cmid = MsgIds.encode(9, 7, 3);
        byte[] body = ChatNotify.newBuilder().setText("abc").setClientMsgId(cmid).build().toByteArray();
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(new byte[]{9, 9, 9}).writeBytes(body).writeBytes(new byte[]{(byte) 0xFF, (byte) 0xFF});
        assertThat(ChatFrames.notifyClientMsgId(buf, 3, 3 + body.length)).isEqualTo(cmid);
        assertThat(buf.readerIndex()).isZero();
        buf.readerIndex(2); // indexes stay absolute when the reader has moved on
        assertThat(ChatFrames.notifyClientMsgId(buf, 3, 3 + body.length)).isEqualTo(cmid);
        assertThat(buf.readerIndex()).isEqualTo(2);
    }

    @Test
    void scansPooledDirectBuffersAtAnOffset() {
        long cmid = MsgIds.encode(4, 1_000, 55);
        byte[] body = ChatNotify.newBuilder().setRoomId(3).setText("direct").setClientMsgId(cmid).build().toByteArray();
        ByteBuf buf = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(256);
        try {
            buf.writeBytes(new byte[17]).writeBytes(body);
            buf.readerIndex(11);
            assertThat(ChatFrames.notifyClientMsgId(buf, 17, 17 + body.length)).isEqualTo(cmid);
            assertThat(ChatFrames.notifyClientMsgId(buf, 17, 16 + body.length)).isEqualTo(ChatFrames.NONE);
        } finally {
            buf.release();
        }
    }

    private static long scan(byte[] body) {
        return ChatFrames.notifyClientMsgId(Unpooled.wrappedBuffer(body), 0, body.length);
    }

    /** ByteBuf content comparison that does not depend on indexes. */
    private static final class ByteBufEquals {
        static boolean same(ByteBuf a, ByteBuf b) {
            return io.netty.buffer.ByteBufUtil.equals(a, b);
        }
    }
}
