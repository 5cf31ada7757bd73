package dev.parley.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.MessageLite;
import dev.parley.account.LoginService;
import dev.parley.account.PasswordHasher;
import dev.parley.cluster.LocalPresence;
import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.room.RoomContext;
import dev.parley.room.RoomService;
import dev.parley.session.LoginFlow;
import dev.parley.session.SessionPolicies;
import dev.parley.session.Sessions;
import dev.parley.store.AccountStore;
import dev.parley.store.Database;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole server-side connections (frame decoder and session handler over an in-memory H2
 * account store and unlogged rooms) driven by two fuzzed clients.
 *
 * <p>Input layout ({@link FuzzInput}): up to {@value #MAX_STEPS} steps, each a client (0..1),
 * a {@link ClientAction} with its fields, and a split point for the frame (0 = one read).
 * Checked after every step: nothing escapes the pipeline and nothing is logged at WARN or
 * above; everything written to a client is a well-formed sequence of complete server frames;
 * a connection the client did not hang up is open, or closed right after a
 * {@code PROTOCOL_VIOLATION} ErrorNotify (which always closes it) or a {@code SESSION_REPLACED}
 * one (the other client logged in with its name); a step's replies are
 * bounded by the requests it carried; nothing stays unflushed. After the run every buffer is
 * released.
 */
class SessionFuzzTest {

    private static final int MAX_STEPS = 64;
    private static final int CLIENTS = 2;

    private static Database db;
    private static final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeAll
    static void start() {
        db = Database.open("jdbc:h2:mem:fuzz-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2);
        // nothing should warn while connections handle clients: an unexpected error is a finding
        ThresholdFilter warnOrWorse = new ThresholdFilter();
        warnOrWorse.setLevel(Level.WARN.levelStr);
        warnOrWorse.start();
        warnings.addFilter(warnOrWorse);
        warnings.start();
        rootLogger().addAppender(warnings);
    }

    @AfterAll
    static void stop() {
        rootLogger().detachAppender(warnings);
        db.close();
    }

    @FuzzTest(maxDuration = FuzzBudget.MAX_DURATION)
    void connectionsSurviveAnyClient(FuzzedDataProvider data) throws SQLException {
        forgetAccounts(); // each run starts from an empty server, so a finding replays alone
        warnings.list.clear();
        FuzzInput in = new FuzzInput(data);
        Server server = new Server();
        Connection[] clients = new Connection[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = server.connect();
        }
        List<Connection> all = new ArrayList<>(List.of(clients));
        for (int step = 0; step < MAX_STEPS && !in.isEmpty(); step++) {
            int who = in.small(CLIENTS - 1);
            if (!clients[who].channel.isOpen()) {
                clients[who] = server.connect(); // a client that was cut off comes back
                all.add(clients[who]);
            }
            Connection c = clients[who];
            ClientAction action = ClientAction.read(in);
            int requestsBefore = server.requests;
            if (action == ClientAction.HANG_UP) {
                c.hungUp = true;
                c.channel.close();
            } else {
                MessageLite request = action.request(in);
                byte[] bytes = request != null ? Wire.frame(request) : in.bytes(in.small(64));
                int split = bytes.length > 1 ? in.medium(bytes.length - 1) : 0;
                c.receive(bytes, 0, split);
                c.receive(bytes, split, bytes.length - split);
            }
            all.forEach(Connection::runPendingTasks);
            int replies = 0;
            for (Connection each : all) {
                replies += each.checkReplies();
            }
            assertThat(replies).as("replies to %d requests", server.requests - requestsBefore)
                    .isLessThanOrEqualTo(2 * (server.requests - requestsBefore) + 2);
            assertThat(warnings.list).as("warnings logged").isEmpty();
        }
        for (Connection each : all) {
            each.hungUp = true;
            each.channel.close();
            each.runPendingTasks();
            each.checkReplies();
            each.channel.finishAndReleaseAll();
            each.replyDecoder.finishAndReleaseAll();
        }
        assertThat(warnings.list).as("warnings logged").isEmpty();
        assertThat(server.alloc.metric().usedHeapMemory()).as("bytes still held after every connection closed").isZero();
        assertThat(server.alloc.metric().usedDirectMemory()).isZero();
    }

    private static void forgetAccounts() throws SQLException {
        try (java.sql.Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM account");
        }
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The services of one server, fresh for each run; every connection allocates from {@link #alloc}. */
    private static final class Server {
        final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        final Sessions sessions;
        int requests;

        Server() {
            ServerMetrics metrics = new ServerMetrics(new SimpleMeterRegistry());
            // the blocking pool runs inline: the login outcome still returns through the channel's loop
            LoginService logins = new LoginService(new AccountStore(db), new PasswordHasher(1000), true, Runnable::run);
            RoomService rooms = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics),
                    ImmediateEventExecutor.INSTANCE, new RoomService.Limits(10, 4096, 10, 10));
            // no rate limit: it reads the clock, and a run must replay the same way
            // deadlines far away: they read the clock too; a name logged in twice is taken over
            SessionPolicies policies = new SessionPolicies(0, Duration.ofSeconds(10), Duration.ofSeconds(1), 4L << 20,
                    Duration.ofHours(1), Duration.ofHours(1), SessionPolicies.DuplicateLogin.REPLACE);
            sessions = new Sessions(new LoginFlow(logins, new LocalPresence(), metrics, policies.duplicateLogin()),
                    rooms, metrics, policies);
        }

        Connection connect() {
            EmbeddedChannel ch = new EmbeddedChannel(false, true);
            ch.config().setAllocator(alloc);
            ch.pipeline().addLast(new FrameDecoder(FrameDecoder.Side.SERVER, Frames.DEFAULT_MAX_CLIENT_FRAME),
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            assertThat(msg).isInstanceOf(MessageLite.class);
                            requests++;
                            ctx.fireChannelRead(msg);
                        }
                    },
                    sessions.newHandler());
            try {
                ch.register();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return new Connection(ch);
        }
    }

    /** One server-side connection and what its client has read from it so far. */
    private static final class Connection {
        final EmbeddedChannel channel;
        /** The client's view: a decoder of server frames over everything the server wrote. */
        final EmbeddedChannel replyDecoder = new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.CLIENT, Frames.MAX_FRAME_LENGTH));
        final FrameDecoder replyFrames = (FrameDecoder) replyDecoder.pipeline().first();
        boolean hungUp;
        MessageLite lastReply;

        Connection(EmbeddedChannel channel) {
            this.channel = channel;
        }

        void receive(byte[] bytes, int offset, int length) {
            // a closed socket delivers nothing more; an empty read is no read at all
            if (length > 0 && channel.isOpen()) {
                channel.writeInbound(channel.alloc().heapBuffer(length).writeBytes(bytes, offset, length));
            }
        }

        void runPendingTasks() {
            channel.runPendingTasks();
        }

        /** Decodes and checks what the server wrote since the last call; returns the number of messages. */
        int checkReplies() {
            ChannelOutboundBuffer unflushed = channel.unsafe().outboundBuffer();
            assertThat(unflushed == null ? 0 : unflushed.totalPendingWriteBytes()).as("bytes written, never flushed").isZero();
            for (Object o; (o = channel.readOutbound()) != null; ) {
                assertThat(o).isInstanceOf(ByteBuf.class);
                replyDecoder.writeInbound(o); // a malformed or client-only frame throws here
            }
            assertThat(Cumulation.buffered(replyFrames)).as("a partial frame left in the client's stream").isZero();
            int n = 0;
            for (Object o; (o = replyDecoder.readInbound()) != null; n++) {
                MessageLite m = (MessageLite) o;
                assertThat(isViolationNotice(lastReply)).as("a reply after the violation notice: %s", m).isFalse();
                lastReply = m;
            }
            if (isViolationNotice(lastReply)) {
                assertThat(channel.isOpen()).as("open after a PROTOCOL_VIOLATION notice").isFalse();
            } else if (!hungUp && !isReplacedNotice(lastReply)) {
                assertThat(channel.isOpen()).as("closed without a PROTOCOL_VIOLATION notice; last reply %s", lastReply).isTrue();
            }
            return n;
        }

        /** The other client logged in with this one's name and took the session over. */
        private static boolean isReplacedNotice(MessageLite m) {
            return m instanceof ErrorNotify e && e.getResult() == Result.SESSION_REPLACED;
        }

        private static boolean isViolationNotice(MessageLite m) {
            return m instanceof ErrorNotify e && e.getResult() == Result.PROTOCOL_VIOLATION;
        }
    }
}
