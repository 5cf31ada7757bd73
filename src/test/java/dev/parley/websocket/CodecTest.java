package dev.parley.websocket;

import dev.parley.protocol.Frames;
import dev.parley.protocol.ProtocolViolationException;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The subprotocol codecs on an EmbeddedChannel, and the JSON mapping's rules. */
class CodecTest {

    @Test
    void jsonRequestsBecomeMessagesAndUint64MayBeAStringOrANumber() {
        EmbeddedChannel ch = new EmbeddedChannel(new JsonCodec(8192));
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"JoinRoomRequest\",\"body\":{\"roomId\":\"42\",\"lastSeenSeq\":7}}"));
        assertThat((Object) ch.readInbound()).isEqualTo(JoinRoomRequest.newBuilder().setRoomId(42).setLastSeenSeq(7).build());
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"RoomListRequest\"}")); // no body: the empty message
        assertThat((Object) ch.readInbound()).isEqualTo(RoomListRequest.getDefaultInstance());
        // unknown fields and envelope keys are ignored, as protobuf ignores unknown fields
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"ChatRequest\",\"id\":1,\"body\":{\"text\":\"hi\",\"mood\":\"glad\"}}"));
        assertThat((Object) ch.readInbound()).isEqualTo(ChatRequest.newBuilder().setText("hi").build());
        closedByTheServer(ch);
    }

    @Test
    void serverFramesArePrintedWithEveryFieldAndUint64AsStrings() {
        EmbeddedChannel ch = new EmbeddedChannel(new JsonCodec(8192));
        ChatNotify chat = ChatNotify.newBuilder().setRoomId(3).setSeq(1L << 60)
                .setSender(Member.newBuilder().setPlayerId(9).setName("ann")).setText("é \"q\"").build();
        ch.writeOutbound(Frames.encode(ByteBufAllocator.DEFAULT, chat));
        TextWebSocketFrame out = ch.readOutbound();
        assertThat(out.text()).isEqualTo("{\"type\":\"ChatNotify\",\"body\":{\"roomId\":\"3\",\"seq\":\"1152921504606846976\","
                + "\"sender\":{\"playerId\":\"9\",\"name\":\"ann\"},\"text\":\"é \\\"q\\\"\",\"clientMsgId\":\"0\","
                + "\"serverTimeMs\":\"0\",\"kind\":\"CHAT_KIND_MESSAGE\",\"targetSeq\":\"0\"}}");
        out.release();
        ch.writeOutbound(Frames.encode(ByteBufAllocator.DEFAULT, LoginResponse.getDefaultInstance()));
        TextWebSocketFrame login = ch.readOutbound();
        assertThat(login.text()).contains("\"result\":\"OK\"", "\"playerId\":\"0\"", "\"reason\":\"\"");
        login.release();
        closedByTheServer(ch);
    }

    @Test
    void binaryFramesPassAsTheyAreAndGoOutWithoutACopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new BinaryCodec());
        ByteBuf frame = Frames.encode(ByteBufAllocator.DEFAULT, ChatRequest.newBuilder().setText("hi").build());
        ch.writeInbound(new BinaryWebSocketFrame(frame.retainedDuplicate()));
        ByteBuf in = ch.readInbound();
        assertThat(in).isEqualTo(frame); // same bytes, on to the frame decoder
        in.release();
        ByteBuf shared = frame.retainedDuplicate(); // as a broadcast hands each member its duplicate
        ch.writeOutbound(shared);
        BinaryWebSocketFrame out = ch.readOutbound();
        assertThat(out.content()).isSameAs(shared);
        out.release();
        frame.release();
        closedByTheServer(ch);
    }

    @Test
    void aViolationIsRaisedOnceThenTheInputIsDroppedAndTheCloseFrameSaysWhy() {
        EmbeddedChannel ch = new EmbeddedChannel(new JsonCodec(8192));
        assertThatThrownBy(() -> ch.writeInbound(new TextWebSocketFrame("nope")))
                .isInstanceOf(ProtocolViolationException.class).hasMessageStartingWith("not JSON");
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"RoomListRequest\"}"));
        assertThat((Object) ch.readInbound()).isNull(); // dropped: the connection is being closed
        // the session's last word, then the close: the close frame follows it
        ch.writeOutbound(Frames.encode(ByteBufAllocator.DEFAULT, ErrorNotify.newBuilder()
                .setResult(Result.PROTOCOL_VIOLATION).setReason("not JSON").build()));
        ch.close();
        TextWebSocketFrame notice = ch.readOutbound();
        assertThat(notice.text()).contains("PROTOCOL_VIOLATION");
        notice.release();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.PROTOCOL_ERROR.code());
        close.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFrameTheWebSocketDecoderRefusedIsAViolationClosedWithItsStatus() {
        EmbeddedChannel ch = new EmbeddedChannel(new DecoderErrors(), new BinaryCodec());
        ch.pipeline().fireExceptionCaught(new io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length of 49152 has been exceeded."));
        assertThatThrownBy(ch::checkException).isInstanceOf(ProtocolViolationException.class)
                .hasMessage("bad WebSocket frame: Max frame length of 49152 has been exceeded.");
        ch.close();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
        close.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aClientsCloseIsAnsweredOnce() {
        EmbeddedChannel ch = new EmbeddedChannel(new BinaryCodec());
        ch.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "bye"));
        CloseWebSocketFrame answer = ch.readOutbound();
        assertThat(answer.statusCode()).isEqualTo(1000);
        answer.release();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readOutbound()).isNull(); // no second close frame from the close itself
        ch.finishAndReleaseAll();
    }

    /** A close by the server (a policy, shutdown) sends a close frame first, and nothing is left. */
    private static void closedByTheServer(EmbeddedChannel ch) {
        ch.close();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.POLICY_VIOLATION.code());
        close.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void nestingIsMeasuredOutsideStrings() {
        assertThat(JsonMessages.nestingDepth("{\"a\":[{\"b\":\"[[[[\\\"{{\"}]}")).isEqualTo(3);
        assertThat(JsonMessages.nestingDepth(new String(new byte[]{'[', '[', ']', ']'}, StandardCharsets.US_ASCII)))
                .isEqualTo(2);
    }

    @Test
    void everyMessageHasItsJsonNameAndTextRoundTrips() {
        ChatRequest req = ChatRequest.newBuilder().setText("x").setClientMsgId(5).build();
        String text = JsonMessages.print(req);
        assertThat(text).startsWith("{\"type\":\"ChatRequest\",");
        assertThat(JsonMessages.parse(text, 8192)).isEqualTo(req);
        ByteBuf frame = Unpooled.wrappedBuffer(dev.parley.testing.Wire.frame(req));
        assertThat(JsonMessages.print(frame)).isEqualTo(text);
        frame.release();
    }
}
