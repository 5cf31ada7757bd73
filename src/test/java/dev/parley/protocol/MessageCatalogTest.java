package dev.parley.protocol;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCatalogTest {

    @Test
    void everyTypeResolvesToItsMessageByTheNamingRule() {
        for (MsgType t : MsgType.values()) {
            if (t == MsgType.UNRECOGNIZED || t == MsgType.MSG_TYPE_UNSPECIFIED) {
                continue;
            }
            MessageCatalog.Kind kind = MessageCatalog.byType(t.getNumber());
            assertThat(kind).as("%s", t).isNotNull();
            assertThat(kind.messageClass().getSimpleName()).isEqualTo(MessageCatalog.className(t));
            assertThat(kind.sentByClient()).isEqualTo(t.name().endsWith("_REQUEST"));
        }
        assertThat(MessageCatalog.className(MsgType.MEMBER_JOINED_NOTIFY)).isEqualTo("MemberJoinedNotify");
    }

    @Test
    void zeroAndUnknownNumbersAreNotTypes() {
        assertThat(MessageCatalog.byType(0)).isNull();
        assertThat(MessageCatalog.byType(-1)).isNull();
        assertThat(MessageCatalog.byType(MessageCatalog.maxType() + 1)).isNull();
    }

    @Test
    void resultZeroIsOk() {
        assertThat(Result.OK.getNumber()).isZero();
    }

    @Test
    void encodesHeaderWithLengthIncludingItselfAndType() {
        ChatNotify n = ChatNotify.newBuilder().setRoomId(3).setSeq(9).setText("hi").build();
        byte[] frame = Wire.frame(n);
        int length = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
        int type = ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        assertThat(length).isEqualTo(frame.length).isEqualTo(4 + n.getSerializedSize());
        assertThat(type).isEqualTo(MsgType.CHAT_NOTIFY_VALUE);
    }

    @Test
    void refusesAMessageTooLargeForAFrame() {
        ChatRequest huge = ChatRequest.newBuilder().setText("x".repeat(70_000)).build();
        assertThatThrownBy(() -> Frames.encode(UnpooledByteBufAllocator.DEFAULT, huge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit a frame");
    }

    @Test
    void encodesIntoHeapAndDirectBuffersAlike() {
        ChatRequest m = ChatRequest.newBuilder().setText("same bytes").setClientMsgId(5).build();
        ByteBuf heap = Frames.encode(new UnpooledByteBufAllocator(false), m);
        ByteBuf direct = Frames.encode(new UnpooledByteBufAllocator(true), m);
        try {
            assertThat(direct.isDirect()).isTrue();
            assertThat(heap).isEqualTo(direct);
        } finally {
            heap.release();
            direct.release();
        }
    }
}
