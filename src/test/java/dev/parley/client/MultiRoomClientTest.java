package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.testing.Chat;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client library in several rooms: per-room chat and leave, and a resume of every room with resends. */
class MultiRoomClientTest {

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(dataDir, SmallHistory.config(0).andThen(c -> c.rateLimit(0)));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static void say(TestClient c, long roomId, int from, int to) {
        for (int i = from; i <= to; i++) {
            c.send(ChatRequest.newBuilder().setRoomId(roomId).setText("m" + i).setClientMsgId(i).build());
        }
        Chat.receive(c, to - from + 1);
    }

    @Test
    void chatAndLeaveNameTheRoomAndZeroMeansTheOnlyOne() throws Exception {
        RecordingListener events = new RecordingListener();
        try (TestClient alice = server.login("alice-m1");
             ParleyClient bot = ParleyClient.open(ParleyClientTest.config(server.port(), "bot-m1").build(), events)) {
            long a = Chat.createRoom(alice, "m1-a");
            long b = bot.await(bot.createRoom("m1-b", 0)).getRoom().getRoomId();
            assertThat(bot.await(bot.chat("only b")).getRoomId()).isEqualTo(b);
            bot.await(bot.join(a));
            assertThat(bot.state().rooms()).extracting(RoomInfo::getRoomId).containsExactly(b, a);
            assertThat(bot.state().roomName(a)).isEqualTo("m1-a");
            assertThatThrownBy(() -> bot.await(bot.chat("which?")))
                    .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
                        assertThat(e.result()).isEqualTo(Result.INVALID_REQUEST);
                        assertThat(e.requestType()).isEqualTo(MsgType.CHAT_REQUEST);
                    });
            assertThat(bot.await(bot.chat(a, "in a")).getRoomId()).isEqualTo(a);
            assertThat(alice.expectSkipping(ChatNotify.class).getText()).isEqualTo("in a");
            assertThat(bot.await(bot.leave(b)).getRoomId()).isEqualTo(b);
            assertThat(bot.state().rooms()).extracting(RoomInfo::getRoomId).containsExactly(a);
            assertThat(bot.await(bot.leave()).getRoomId()).isEqualTo(a);
            assertThat(bot.state().rooms()).isEmpty();
        }
    }

    @Test
    void aDroppedConnectionResumesEveryRoomAndAResendIsStoredOnceWithItsOriginalSeq() throws Exception {
        RecordingListener events = new RecordingListener();
        try (TestClient alice = server.login("alice-m2");
             TcpProxy proxy = TcpProxy.to(server.port());
             ParleyClient bot = ParleyClient.open(ParleyClientTest.config(proxy.port(), "bot-m2").build(), events);
             Connection db = server.server().database().dataSource().getConnection()) {
            long a = Chat.createRoom(alice, "m2-a");
            long b = Chat.createRoom(alice, "m2-b");
            long c = Chat.createRoom(alice, "m2-c");
            for (long r : List.of(a, b, c)) {
                bot.await(bot.join(r));
            }
            say(alice, a, 1, 2);
            say(alice, b, 1, 1);
            events.await("chat 1 alice-m2: m1");
            events.await(e -> events.chatSeqs(a).size() == 2);

            // the server takes bot's message, but its echo is lost with the connection
            proxy.mute();
            CompletableFuture<ChatNotify> lost = bot.chat(b, "said once");
            StoredMessages.await("bot's message is stored", 10, () -> rows(db, b).size() == 2);
            proxy.hold();
            proxy.cut();
            events.await("lost");
            proxy.unmute();
            assertThat(lost).as("still waiting for its echo").isNotDone();
            // while bot is away: more than a join's recent in a (a gap paged from history), some in c
            say(alice, a, 3, 12);
            say(alice, c, 1, 2);
            proxy.release();
            ChatNotify echo = bot.await(lost);
            assertThat(echo.getSeq()).as("the original seq").isEqualTo(2);
            say(alice, b, 3, 3);
            events.await(e -> events.chatSeqs(b).contains(3L));

            assertThat(rows(db, b)).extracting(StoredMessages.Row::text).containsExactly("m1", "said once", "m3")
                    .as("stored once");
            assertThat(events.chatSeqs(a)).as("room a: every message once, in order").isEqualTo(Chat.range(1, 12));
            assertThat(events.chatSeqs(b)).as("room b").isEqualTo(Chat.range(1, 3));
            assertThat(events.chatSeqs(c)).as("room c").isEqualTo(Chat.range(1, 2));
            assertThat(events.events()).containsSubsequence("lost", "restored m2-a missed 3..12",
                    "restored m2-b missed 2..2", "restored m2-c missed 1..2");
            assertThat(bot.state().rooms()).extracting(RoomInfo::getRoomId).containsExactly(a, b, c);
        }
    }

    private static List<StoredMessages.Row> rows(Connection db, long room) {
        try {
            return StoredMessages.of(db, room);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
