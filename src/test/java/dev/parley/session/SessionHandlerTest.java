package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.account.LoginService;
import dev.parley.account.PasswordHasher;
import dev.parley.cluster.LocalPresence;
import dev.parley.cluster.LocalRoomDirectory;
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
import dev.parley.room.RoomContext;
import dev.parley.room.RoomService;
import dev.parley.store.AccountStore;
import dev.parley.store.Database;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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

    /** The policies of these tests: the defaults but for the rate limit and shorter grace periods. */
    static SessionPolicies policies(int rateLimit) {
        return new SessionPolicies(rateLimit, Duration.ofSeconds(3), Duration.ofSeconds(1), 4L << 20,
                Duration.ofSeconds(10), Duration.ofSeconds(45), SessionPolicies.DuplicateLogin.REPLACE);
    }

    private EmbeddedChannel channel(int rateLimit) {
        return channel(policies(rateLimit));
    }

    private EmbeddedChannel channel(SessionPolicies policies) {
        // a direct executor stands in for the blocking pool: the login result still comes back
        // through the channel's event loop, as in production
        LoginService logins = new LoginService(new AccountStore(db), new PasswordHasher(1000), true, Runnable::run);
        RoomService rooms = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics),
                ImmediateEventExecutor.INSTANCE, new RoomService.Limits(10, 4096, 10, 10));
        Sessions sessions = new Sessions(new LoginFlow(logins, new LocalPresence(), metrics,
                policies.duplicateLogin()), rooms, metrics, policies);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // the test moves the clock: advanceTimeBy
        ch.pipeline().addLast(new FrameDecoder(FrameDecoder.Side.SERVER, Frames.DEFAULT_MAX_CLIENT_FRAME),
                sessions.newHandler());
        ch.pipeline().fireChannelActive(); // an EmbeddedChannel is active before its handlers are added
        return ch;
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
    void requestsOverTheRateAreRefusedCountedAndToldOncePerSecond() {
        EmbeddedChannel ch = channel(2); // burst of 4
        int pongs = 0;
        List<ErrorNotify> told = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            for (MessageLite m : send(ch, PingRequest.newBuilder().setNonce(i).build())) {
                if (m instanceof PongResponse) {
                    pongs++;
                } else {
                    told.add((ErrorNotify) m);
                }
            }
        }
        assertThat(pongs).isEqualTo(4);
        // six refused, one of them answered: a flood cannot make the server write a reply per request
        assertThat(told).singleElement().satisfies(e -> {
            assertThat(e.getResult()).isEqualTo(Result.RATE_LIMITED);
            assertThat(e.getRequestType()).isEqualTo(MsgType.PING_REQUEST);
            assertThat(e.getRetryAfterMs()).isEqualTo(500);
        });
        assertThat(meters.get("parley.rate.limited").counter().count()).isEqualTo(6);
        // the socket is not read until a token is back, so a flood is not even parsed
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
        // 1.5 s after the flood the bucket holds three tokens, and a refusal is told again
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        List<MessageLite> after = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            after.addAll(send(ch, PingRequest.newBuilder().setNonce(100 + i).build()));
        }
        assertThat(after).hasSize(4).filteredOn(m -> m instanceof ErrorNotify).hasSize(1);
        assertThat(ch.isActive()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatFloodsForTheAbuseGraceIsClosed() {
        EmbeddedChannel ch = channel(2); // abuse grace 3 s
        boolean closed = false;
        List<MessageLite> last = List.of();
        for (int tick = 0; tick < 40 && !closed; tick++) { // 10 requests every 100 ms: five times the rate
            for (int i = 0; i < 10 && !closed; i++) {
                last = send(ch, PingRequest.newBuilder().setNonce(i).build());
                closed = !ch.isOpen();
            }
            ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        }
        assertThat(closed).isTrue();
        assertThat(last).last().isInstanceOfSatisfying(ErrorNotify.class, e -> {
            assertThat(e.getResult()).isEqualTo(Result.RATE_LIMITED);
            assertThat(e.getReason()).contains("for 3 s; closing");
        });
        assertThat(meters.get("parley.policy.disconnects").tag("reason", "flood").counter().count()).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void burstsNowAndThenAreNotAbuse() {
        EmbeddedChannel ch = channel(2);
        send(ch, LoginRequest.newBuilder().setName("burst" + UUID.randomUUID().toString().substring(0, 8))
                .setPassword("pw").build());
        for (int burst = 0; burst < 6; burst++) { // 18 s in all, far past the 3 s grace
            for (int i = 0; i < 8; i++) {
                send(ch, PingRequest.newBuilder().setNonce(i).build());
            }
            ch.advanceTimeBy(3, TimeUnit.SECONDS);
        }
        assertThat(ch.isActive()).isTrue();
        assertThat(meters.get("parley.policy.disconnects").tag("reason", "flood").counter().count()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatDoesNotLogInInTimeIsToldAndClosed() {
        EmbeddedChannel ch = channel(0);
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        send(ch, PingRequest.newBuilder().setNonce(1).build()); // pings do not count as a login
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        List<MessageLite> out = Wire.written(ch);
        assertThat(out).last().isInstanceOfSatisfying(ErrorNotify.class, e -> {
            assertThat(e.getResult()).isEqualTo(Result.TIMED_OUT);
            assertThat(e.getReason()).isEqualTo("no login within 10 s");
        });
        assertThat(ch.isOpen()).isFalse();
        assertThat(meters.get("parley.policy.disconnects").tag("reason", "login_timeout").counter().count())
                .isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void aLoggedInConnectionStaysWhilePingingAndIsClosedWhenSilent() {
        EmbeddedChannel ch = channel(0);
        String name = "idle" + UUID.randomUUID().toString().substring(0, 8);
        List<MessageLite> login = send(ch, LoginRequest.newBuilder().setName(name).setPassword("pw").build());
        assertThat(((LoginResponse) login.get(0)).getResult()).isEqualTo(Result.OK);
        for (int i = 0; i < 6; i++) { // 90 s, pinging every 15 s as the protocol asks
            ch.advanceTimeBy(15, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            send(ch, PingRequest.newBuilder().setNonce(i).build());
        }
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(44, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(Wire.written(ch)).last().isInstanceOfSatisfying(ErrorNotify.class,
                e -> assertThat(e.getResult()).isEqualTo(Result.TIMED_OUT));
        assertThat(ch.isOpen()).isFalse();
        assertThat(meters.get("parley.policy.disconnects").tag("reason", "idle_timeout").counter().count())
                .isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void whileTheClientDoesNotReadItsInputIsNotReadEither() {
        EmbeddedChannel ch = channel(0);
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(64, 128));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.write(Unpooled.wrappedBuffer(new byte[256])); // queued, not flushed: over the high-water mark
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.flush(); // the client caught up
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatCannotTakeItsLastNoticeIsClosedAnyway() {
        EmbeddedChannel ch = channel(0);
        // a socket whose send buffer is full: writes are taken and never completed
        List<Object> stuck = new java.util.ArrayList<>();
        ch.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise p) {
                stuck.add(msg);
            }
        });
        ch.advanceTimeBy(10, TimeUnit.SECONDS); // the login deadline passes
        ch.runScheduledPendingTasks();
        assertThat(stuck).hasSize(1); // the TIMED_OUT notice, not written
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        stuck.forEach(io.netty.util.ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }
}
