package dev.parley.server;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify.Builder;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed frames, floods and slow readers: handled by policy, counted, and nobody else notices. */
class AbusePolicyTest {

    @TempDir
    Path dir;

    private static double count(TestServer s, String meter) {
        MeterRegistry r = s.server().meterRegistry();
        return r.get(meter).counter().count();
    }

    @Test
    void eachViolationGetsAReasonThenTheConnectionClosesAndOthersChatOn() throws Exception {
        Builder forged = ChatNotify.newBuilder().setText("forged").setSeq(1);
        Map<String, byte[]> violations = Map.of(
                "shorter than the 4-byte header", Wire.header(2, MsgType.PING_REQUEST_VALUE),
                "exceeds the maximum of 8192", Wire.header(9000, MsgType.CHAT_REQUEST_VALUE),
                "unknown message type 4242", Wire.header(4, 4242),
                "CHAT_NOTIFY may not be sent by a client", Wire.frame(forged.build()),
                "does not parse", Wire.raw(8, MsgType.LOGIN_REQUEST_VALUE, new byte[]{0x0a, 50, 'x', 'y'}));
        try (TestServer server = TestServer.start(dir);
             TestClient alice = server.login("alice");
             TestClient bob = server.login("bob")) {
            alice.send(CreateRoomRequest.newBuilder().setName("calm").build());
            long room = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            bob.expect(JoinRoomResponse.class);
            alice.expect(MemberJoinedNotify.class);

            int n = 0;
            for (var v : violations.entrySet()) {
                try (TestClient bad = server.login("bad" + n++)) {
                    bad.sendRaw(v.getValue());
                    ErrorNotify e = bad.expect(ErrorNotify.class);
                    assertThat(e.getResult()).isEqualTo(Result.PROTOCOL_VIOLATION);
                    assertThat(e.getReason()).contains(v.getKey());
                    assertThat(bad.awaitClosed(Duration.ofSeconds(5))).as(v.getKey()).isTrue();
                }
            }
            assertThat(count(server, "parley.protocol.violations")).isEqualTo(violations.size());
            // a violation before login is handled the same way
            try (TestClient anon = server.client()) {
                anon.sendRaw(Wire.header(3, 1));
                assertThat(anon.expect(ErrorNotify.class).getResult()).isEqualTo(Result.PROTOCOL_VIOLATION);
                assertThat(anon.awaitClosed(Duration.ofSeconds(5))).isTrue();
            }
            // nobody else noticed: the room still works and no stray notices arrived
            bob.send(ChatRequest.newBuilder().setText("still fine").build());
            assertThat(alice.expect(ChatNotify.class).getText()).isEqualTo("still fine");
            assertThat(bob.expect(ChatNotify.class).getText()).isEqualTo("still fine");
        }
    }

    @Test
    void aFloodIsToldOnceASecondCountedInFullAndTheConnectionSurvivesShortFloods() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.rateLimit(5));
             TestClient flooder = server.client()) {
            for (int i = 0; i < 40; i++) {
                flooder.send(PingRequest.newBuilder().setNonce(i).build());
            }
            flooder.send(RoomListRequest.getDefaultInstance()); // refused as well: not logged in, or over the rate
            Thread.sleep(300);
            int pongs = 0;
            int limited = 0;
            for (MessageLite m : flooder.drain()) {
                if (m instanceof PongResponse) {
                    pongs++;
                } else if (m instanceof ErrorNotify e && e.getResult() == Result.RATE_LIMITED) {
                    assertThat(e.getRequestType()).isEqualTo(MsgType.PING_REQUEST);
                    assertThat(e.getRetryAfterMs()).isEqualTo(200);
                    limited++;
                }
            }
            // burst is twice the rate; a few more tokens may refill while the 40 arrive
            assertThat(pongs).isBetween(10, 20);
            // one notice for the flood (two if it straddled a second), every refusal counted
            assertThat(limited).isBetween(1, 2);
            assertThat(count(server, "parley.rate.limited")).isGreaterThanOrEqualTo(40 - pongs);
            Thread.sleep(400); // two tokens come back
            flooder.send(PingRequest.newBuilder().setNonce(1000).build());
            assertThat(flooder.expectSkipping(PongResponse.class).getNonce()).isEqualTo(1000);
        }
    }

    @Test
    void aReaderThatStopsReadingIsDisconnectedAndTheRoomGoesOn() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> {
                 c.rateLimit(0);
                 c.slowReaderBytes(64 * 1024);
                 c.maxPendingBytes(256L << 20); // the grace decides here, not the byte cap
                 c.slowReaderGrace(Duration.ofMillis(500));
             });
             TestClient talker = server.login("talker");
             TestClient sleeper = server.login("sleeper");
             TestClient listener = server.login("listener")) {
            talker.send(CreateRoomRequest.newBuilder().setName("loud").build());
            long room = talker.expect(CreateRoomResponse.class).getRoom().getRoomId();
            for (TestClient c : List.of(sleeper, listener)) {
                c.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
                c.expect(JoinRoomResponse.class);
            }
            talker.drain();
            sleeper.stopReading();
            String text = "z".repeat(4000);
            // enough to fill the sleeper's socket buffers and then the 64 KiB the server allows
            int sent = 0;
            while (count(server, "parley.slow.reader.disconnects") == 0 && sent < 20_000) {
                for (int i = 0; i < 200; i++, sent++) {
                    talker.send(ChatRequest.newBuilder().setText(text).setClientMsgId(sent).build());
                }
                for (int i = 0; i < 200; i++) {
                    talker.expectSkipping(ChatNotify.class);
                    listener.expectSkipping(ChatNotify.class);
                }
            }
            assertThat(count(server, "parley.slow.reader.disconnects")).isEqualTo(1);
            // a client that does not read cannot see the close; once it reads again, it does
            sleeper.resumeReading();
            assertThat(sleeper.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(talker.isOpen()).isTrue();
            talker.send(ChatRequest.newBuilder().setText("after").build());
            assertThat(listener.expectSkipping(ChatNotify.class).getText()).isIn("after", text);
        }
    }
}
