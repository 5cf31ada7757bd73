package dev.parley.protocol;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.testing.Wire;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameDecoderTest {

    private static final List<MessageLite> MESSAGES = List.of(
            LoginRequest.newBuilder().setName("Alice").setPassword("secret").build(),
            ChatRequest.newBuilder().setText("héllo wörld").setClientMsgId(42).build(),
            RoomListRequest.getDefaultInstance(), // empty body: a bare 4-byte frame
            PingRequest.newBuilder().setNonce(7).build());

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MessageLite m : MESSAGES) {
            out.writeBytes(Wire.frame(m));
        }
        return out.toByteArray();
    }

    private static EmbeddedChannel server() {
        return new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.SERVER, Frames.DEFAULT_MAX_CLIENT_FRAME));
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    @Test
    void decodesSeveralFramesFromOneRead() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(stream()));
        assertThat(drain(ch)).containsExactlyElementsOf(MESSAGES);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesAStreamSplitAtEveryByte() {
        byte[] all = stream();
        for (int split = 0; split <= all.length; split++) {
            EmbeddedChannel ch = server();
            ch.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
            assertThat(drain(ch)).as("split at byte %d", split).containsExactlyElementsOf(MESSAGES);
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void decodesAStreamFedOneByteAtATime() {
        byte[] all = stream();
        EmbeddedChannel ch = server();
        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
        assertThat(drain(ch)).containsExactlyElementsOf(MESSAGES);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void rejectsLengthShorterThanHeader() {
        for (int length : new int[]{0, 1, 3}) {
            assertViolation(Wire.header(length, MsgType.PING_REQUEST_VALUE), "shorter than the 4-byte header");
        }
    }

    @Test
    void rejectsOversizedFrameFromItsHeaderAlone() {
        // only the header arrives: the decoder must not wait for 9000 bytes it would refuse anyway
        assertViolation(Wire.header(Frames.DEFAULT_MAX_CLIENT_FRAME + 1, MsgType.CHAT_REQUEST_VALUE),
                "exceeds the maximum of 8192");
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximum() {
        int bodyLength = Frames.DEFAULT_MAX_CLIENT_FRAME - 4 - 4; // tag + 2-byte length + text
        String text = "x".repeat(bodyLength);
        ChatRequest big = ChatRequest.newBuilder().setText(text).build();
        byte[] frame = Wire.frame(big);
        assertThat(frame.length).isLessThanOrEqualTo(Frames.DEFAULT_MAX_CLIENT_FRAME);
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        assertThat(drain(ch)).containsExactly(big);
        ch.finish();
    }

    @Test
    void rejectsUnknownTypes() {
        assertViolation(Wire.header(4, 0), "unknown message type 0");
        assertViolation(Wire.header(4, 999), "unknown message type 999");
        assertViolation(Wire.header(4, 65535), "unknown message type 65535");
    }

    @Test
    void rejectsServerOnlyTypesFromAClient() {
        byte[] notify = Wire.frame(ChatNotify.newBuilder().setText("forged").setSeq(1).build());
        assertViolation(notify, "CHAT_NOTIFY may not be sent by a client");
    }

    @Test
    void clientSideRejectsClientOnlyTypes() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.CLIENT, Frames.MAX_FRAME_LENGTH));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.frame(PingRequest.getDefaultInstance()))))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("PING_REQUEST may not be sent by a server");
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsABodyThatDoesNotParse() {
        // field 1 declared as a 100-byte string, but only 2 bytes follow
        byte[] body = {0x0a, 100, 'h', 'i'};
        assertViolation(Wire.raw(4 + body.length, MsgType.LOGIN_REQUEST_VALUE, body), "body of LOGIN_REQUEST does not parse");
    }

    @Test
    void rejectsInvalidUtf8InAStringField() {
        byte[] body = {0x0a, 2, (byte) 0xff, (byte) 0xfe};
        assertViolation(Wire.raw(4 + body.length, MsgType.CHAT_REQUEST_VALUE, body), "body of CHAT_REQUEST does not parse");
    }

    @Test
    void discardsEverythingAfterAViolation() {
        EmbeddedChannel ch = server();
        byte[] bad = Wire.header(2, MsgType.PING_REQUEST_VALUE);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bad))).isInstanceOf(ProtocolViolationException.class);
        // a well-formed frame after the violation is not decoded: the stream is no longer trusted
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.frame(PingRequest.getDefaultInstance())));
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void violationCarriesTheOffendingType() {
        EmbeddedChannel ch = server();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.header(10_000, MsgType.CHAT_REQUEST_VALUE))))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.requestType()).isEqualTo(MsgType.CHAT_REQUEST_VALUE));
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesAnImpossibleMaximum() {
        assertThatThrownBy(() -> new FrameDecoder(FrameDecoder.Side.SERVER, 70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameDecoder(FrameDecoder.Side.SERVER, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertViolation(byte[] bytes, String reason) {
        EmbeddedChannel ch = server();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining(reason);
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.finish()).isFalse();
    }
}
