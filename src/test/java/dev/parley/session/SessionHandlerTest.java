package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.account.LoginService;
import dev.parley.cluster.LocalPresence;
import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.room.RoomContext;
import java.time.Duration;
import dev.parley.room.RoomService;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.store.AccountStore;
import dev.parley.store.Database;
import dev.parley.account.PasswordHasher;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection policies of the session handler, driven through an EmbeddedChannel. */
class SessionHandlerTest {

    static Database db;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ServerMetrics metrics = new ServerMetrics(meters);

    @BeforeAll
    static void openDb() {
        db = Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2);
    }

    @AfterAll
    static void closeDb() {
        db.close();
    }

    private EmbeddedChannel channel(int rateLimit) {
        // a direct executor stands in for the blocking pool: the login result still comes back
        // through the channel's event loop, as in production
        LoginService logins = new LoginService(new AccountStore(db), new PasswordHasher(1000), true, Runnable::run);
        RoomService rooms = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics),
                ImmediateEventExecutor.INSTANCE, new RoomService.Limits(10, 4096, 10));
        Sessions sessions = new Sessions(new LoginFlow(logins, new LocalPresence(), metrics), rooms, metrics,
                new SessionPolicies(rateLimit, Duration.ofSeconds(1)));
        return new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.SERVER, Frames.DEFAULT_MAX_CLIENT_FRAME),
                sessions.newHandler());
    }

    private static List<MessageLite> send(EmbeddedChannel ch, MessageLite m) {
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.frame(m)));
        ch.runPendingTasks();
        return Wire.written(ch);
    }

    @Test
    void pingIsAnsweredBeforeLogin() {
        EmbeddedChannel ch = channel(0);
        assertThat(send(ch, PingRequest.newBuilder().setNonce(5).build()))
                .containsExactly(PongResponse.newBuilder().setNonce(5).build());
        ch.finishAndReleaseAll();
    }

    @Test
    void chatBeforeLoginIsRefusedWithItsClientMsgIdAndTheConnectionStays() {
        EmbeddedChannel ch = channel(0);
        List<MessageLite> out = send(ch, ChatRequest.newBuilder().setText("hi").setClientMsgId(31).build());
        assertThat(out).containsExactly(ErrorNotify.newBuilder().setResult(Result.NOT_LOGGED_IN)
                .setReason("log in first").setRequestType(MsgType.CHAT_REQUEST).setClientMsgId(31).build());
        assertThat(ch.isActive()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void loginCompletesOnTheEventLoopAndUnlocksRequests() {
        EmbeddedChannel ch = channel(0);
        String name = "u" + System.nanoTime() % 100000;
        List<MessageLite> out = send(ch, LoginRequest.newBuilder().setName(name).setPassword("pw").build());
        assertThat(out).hasSize(1);
        LoginResponse r = (LoginResponse) out.get(0);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        assertThat(r.getName()).isEqualTo(name);
        ErrorNotify notInRoom = (ErrorNotify) send(ch, ChatRequest.newBuilder().setText("x").setClientMsgId(1).build()).get(0);
        assertThat(notInRoom.getResult()).isEqualTo(Result.NOT_IN_ROOM);
        assertThat(meters.get("parley.logins").tag("result", "ok").counter().count()).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void aViolationIsAnsweredThenTheChannelCloses() {
        EmbeddedChannel ch = channel(0);
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.header(70, 999)));
        ch.runPendingTasks();
        List<MessageLite> out = Wire.written(ch);
        assertThat(out).hasSize(1);
        ErrorNotify e = (ErrorNotify) out.get(0);
        assertThat(e.getResult()).isEqualTo(Result.PROTOCOL_VIOLATION);
        assertThat(e.getReason()).isEqualTo("unknown message type 999");
        assertThat(ch.isOpen()).isFalse();
        assertThat(meters.get("parley.protocol.violations").counter().count()).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void requestsOverTheRateAreRefusedAndCounted() {
        EmbeddedChannel ch = channel(2); // burst of 4
        int pongs = 0;
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            MessageLite m = send(ch, PingRequest.newBuilder().setNonce(i).build()).get(0);
            if (m instanceof PongResponse) {
                pongs++;
            } else if (((ErrorNotify) m).getResult() == Result.RATE_LIMITED) {
                limited++;
            }
        }
        assertThat(pongs).isEqualTo(4);
        assertThat(limited).isEqualTo(6);
        assertThat(ch.isActive()).isTrue();
        assertThat(meters.get("parley.rate.limited").counter().count()).isEqualTo(6);
        ch.finishAndReleaseAll();
    }
}
