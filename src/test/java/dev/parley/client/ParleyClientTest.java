package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.session.SessionPolicies;
import dev.parley.testing.Chat;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client library against a real server over loopback, set up as {@link SmallHistory}: resumes
 * and history reads take pages.
 */
class ParleyClientTest {

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(dataDir, SmallHistory.config(0));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static ClientConfig.Builder config(int port, String name) {
        return ClientConfig.builder("127.0.0.1", port).name(name).password("pw-" + name);
    }

    private static void say(TestClient c, int from, int to) {
        for (int i = from; i <= to; i++) {
            Chat.say(c, "m" + i, i);
        }
        Chat.receive(c, to - from + 1); // the room has numbered them all
    }

    private static List<Long> range(long from, long to) {
        return Chat.range(from, to);
    }

    @Test
    void logsInCreatesJoinsChatsAndLeaves() throws Exception {
        RecordingListener events = new RecordingListener();
        try (ParleyClient amy = ParleyClient.open(config(server.port(), "amy").build(), events);
             TestClient bob = server.login("bob-1")) {
            assertThat(amy.state().playerId()).isPositive();
            CreateRoomResponse created = amy.await(amy.createRoom("Library Room", 0));
            long roomId = created.getRoom().getRoomId();
            assertThat(amy.state().room().getRoomId()).isEqualTo(roomId);
            assertThat(amy.await(amy.listRooms())).extracting(RoomInfo::getName).contains("Library Room");

            assertThat(Chat.join(bob, roomId).getResult()).isEqualTo(Result.OK);
            events.await("joined bob-1");
            ChatNotify echo = amy.await(amy.chat("hi bob"));
            assertThat(echo.getText()).isEqualTo("hi bob");
            assertThat(echo.getSender().getPlayerId()).isEqualTo(amy.state().playerId());
            Chat.say(bob, "hi amy", 1);
            events.await("chat 2 bob-1: hi amy");
            assertThat(amy.await(amy.ping())).isPositive();

            assertThat(amy.await(amy.leave()).getRoomId()).isEqualTo(roomId);
            assertThat(amy.state().room()).isNull();
            assertThatThrownBy(() -> amy.await(amy.chat("nobody hears this")))
                    .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
                        assertThat(e.result()).isEqualTo(Result.NOT_IN_ROOM);
                        assertThat(e.requestType()).isEqualTo(MsgType.CHAT_REQUEST);
                    });
            assertThatThrownBy(() -> amy.await(amy.join(999_999)))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.getMessage()).isEqualTo("ROOM_NOT_FOUND: no room 999999"));
            assertThatThrownBy(() -> amy.await(amy.chat("x".repeat(9_000))))
                    .isInstanceOf(MessageTooLongException.class).hasMessageMatching("message too long: it needs a 90[0-9][0-9]-byte frame; the server takes 8192");
        }
        assertThat(events.threads()).as("every event on the client thread").allMatch(t -> t.startsWith("parley-client"));
    }

    @Test
    void aRefusedLoginFailsTheStartAndClosesTheClient() throws Exception {
        server.login("carl").close(); // registers carl with password pw-carl
        ParleyClient wrong = ParleyClient.create(config(server.port(), "carl").password("wrong").build(), new RecordingListener());
        assertThatThrownBy(() -> wrong.await(wrong.start()))
                .isInstanceOfSatisfying(RequestRefusedException.class,
                        e -> assertThat(e.result()).isEqualTo(Result.INVALID_CREDENTIALS));
        assertThatThrownBy(() -> wrong.await(wrong.listRooms())).isInstanceOf(RequestRefusedException.class);
        wrong.close();
        assertThatThrownBy(() -> ParleyClient.open(config(1, "x").build(), new RecordingListener()))
                .isInstanceOf(CannotConnectException.class).hasMessageStartingWith("cannot connect to 127.0.0.1:1: ");
    }

    @Test
    void concurrentRequestsGetTheirOwnReplies() throws Exception {
        try (ParleyClient cat = ParleyClient.open(config(server.port(), "cat").build(), new RecordingListener())) {
            long roomId = cat.await(cat.createRoom("Busy", 0)).getRoom().getRoomId();
            Map<String, CompletableFuture<ChatNotify>> chats = new ConcurrentHashMap<>();
            List<CompletableFuture<?>> others = new CopyOnWriteArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        String text = "t" + thread + "-" + i;
                        chats.put(text, cat.chat(text));
                        others.add(cat.ping());
                        others.add(cat.listRooms());
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread s : senders) {
                s.join();
            }
            CompletableFuture<List<ChatNotify>> history = cat.history(roomId, 40);
            for (CompletableFuture<?> other : others) {
                cat.await(other);
            }
            chats.forEach((text, echo) -> assertThat(cat.await(echo).getText()).as("the echo of its own request").isEqualTo(text));
            assertThat(chats.values().stream().map(f -> f.join().getSeq()).distinct()).hasSize(40);
            List<Long> thread0 = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                thread0.add(chats.get("t0-" + i).join().getSeq());
            }
            assertThat(thread0).as("one thread's chats in the order it sent them").isSorted();
            assertThat(cat.await(history)).hasSizeLessThanOrEqualTo(40);
        }
    }

    @Test
    void historyPagesBackwardsAndForwards() throws Exception {
        try (TestClient writer = server.login("writer-1");
             ParleyClient reader = ParleyClient.open(config(server.port(), "reader-1").build(), new RecordingListener())) {
            long roomId = Chat.createRoom(writer, "Archive");
            say(writer, 1, 12);
            JoinRoomResponse joined = reader.await(reader.join(roomId));
            assertThat(Chat.seqs(joined.getRecentList())).containsExactly(10L, 11L, 12L);
            assertThat(Chat.seqs(reader.await(reader.history(roomId, 8)))).isEqualTo(range(5, 12)); // pages of 5 and 3
            assertThat(Chat.seqs(reader.await(reader.history(roomId, 20)))).isEqualTo(range(1, 12));
            assertThat(Chat.seqs(reader.await(reader.historyBetween(roomId, 2, 11L)))).isEqualTo(range(3, 10));
            assertThatThrownBy(() -> reader.await(reader.history(999_999, 5)))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.ROOM_NOT_FOUND));
        }
    }

    @Test
    void aDeliberateReconnectResumesTheRoomAndSendsWhatWaitedForIt() throws Exception {
        RecordingListener events = new RecordingListener();
        try (TestClient alice = server.login("alice-2");
             TcpProxy proxy = TcpProxy.to(server.port());
             ParleyClient bot = ParleyClient.open(config(proxy.port(), "bot-2").build(), events)) {
            long roomId = Chat.createRoom(alice, "Resume Room");
            say(alice, 1, 2);
            assertThat(Chat.seqs(bot.await(bot.join(roomId)).getRecentList())).containsExactly(1L, 2L);
            Chat.say(alice, "m3", 3);
            events.await("chat 3 ");

            proxy.hold(); // the new connection waits while alice chats on
            CompletableFuture<Void> back = bot.reconnect();
            events.await("reconnecting");
            CompletableFuture<ChatNotify> queued = bot.chat("sent once back");
            say(alice, 4, 13); // 10 missed: more than a join's 3, read in pages of at most 5
            proxy.release();
            bot.await(back);
            assertThat(bot.await(queued).getSeq()).isEqualTo(14);
            Chat.say(alice, "live", 15);
            events.await("chat 15 alice-2: live");

            assertThat(events.events()).containsSubsequence("reconnecting", "restored Resume Room missed 4..13",
                    "chat 14 bot-2: sent once back", "chat 15 alice-2: live");
            assertThat(events.chatSeqs()).as("every message once, in order").isEqualTo(range(3, 15));
        }
    }

    @Test
    void aDroppedConnectionIsResumedAfterTheNameIsFreeAgain(@TempDir Path restartDir) throws Exception {
        TestServer first = TestServer.start(restartDir, SmallHistory.config(0));
        int port = first.port();
        TestServer second = null;
        RecordingListener events = new RecordingListener();
        try (TcpProxy proxy = TcpProxy.to(port);
             ParleyClient bot = ParleyClient.open(config(proxy.port(), "bot-3").build(), events)) {
            long lobbyId;
            try (TestClient alice = first.login("alice-3")) {
                lobbyId = Chat.room(alice, "lobby").getRoomId();
                Chat.join(alice, lobbyId);
                bot.await(bot.join(lobbyId));
                say(alice, 1, 2);
            }
            events.await("chat 2 ");

            proxy.hold();
            first.close(); // a real drop: the server goes away
            events.await("lost");
            // a server that refuses a second login for an online name (the default takes over)
            second = TestServer.start(restartDir, SmallHistory.config(port)
                    .andThen(c -> c.duplicateLogin(SessionPolicies.DuplicateLogin.REFUSE)));
            // someone else holds the name on the new server: the reconnect's login is refused as online
            ParleyClient impostor = ParleyClient.open(config(port, "bot-3").build(), new RecordingListener());
            try (TestClient alice = second.login("alice-3")) {
                Chat.join(alice, lobbyId);
                say(alice, 3, 9);
                proxy.release();
                events.await("retry login refused: ALREADY_LOGGED_IN");
                impostor.close(); // the name is free: a later attempt gets in
                events.await("restored lobby");
                Chat.say(alice, "live", 10);
                events.await("chat 10 ");
            }
            assertThat(events.events()).containsSubsequence("lost", "retry login refused: ALREADY_LOGGED_IN: bot-3 is online already",
                    "restored lobby missed 3..9", "chat 10 alice-3: live");
            assertThat(events.chatSeqs()).as("every message once, in order").isEqualTo(range(1, 10));
            assertThat(events.events()).noneMatch(e -> e.startsWith("closed"));
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void withReconnectingOffALossEndsTheClient() throws Exception {
        RecordingListener events = new RecordingListener();
        TcpProxy proxy = TcpProxy.to(server.port());
        try (ParleyClient once = ParleyClient.open(config(proxy.port(), "once-4").reconnect(ReconnectPolicy.off()).build(), events)) {
            proxy.close();
            events.await("closed ");
            assertThatThrownBy(() -> once.await(once.listRooms())).isInstanceOf(ConnectionLostException.class);
        }
    }

    @Test
    void theFirstLoginCanWaitForTheServerToDropAPreviousSession(@TempDir Path refusingDir) throws Exception {
        try (TestServer refusing = TestServer.start(refusingDir,
                c -> c.duplicateLogin(SessionPolicies.DuplicateLogin.REFUSE))) {
            TestClient previous = refusing.login("restarter");
            ParleyClient client = ParleyClient.create(config(refusing.port(), "restarter").retryFirstLogin(true)
                    .reconnect(ReconnectPolicy.giveUpAfter(Duration.ofSeconds(10))).build(), new RecordingListener());
            CompletableFuture<LoginResponse> started = client.start();
            Thread.sleep(300); // the login is refused as online at least once meanwhile
            assertThat(started).isNotDone();
            previous.close();
            try (client) {
                assertThat(client.await(started).getPlayerId()).isEqualTo(previous.playerId);
            }
        }
    }

    @Test
    void aClientWhoseSessionIsTakenOverStopsInsteadOfTakingItBack() throws Exception {
        RecordingListener firstEvents = new RecordingListener();
        try (ParleyClient first = ParleyClient.open(config(server.port(), "twice").build(), firstEvents);
             ParleyClient second = ParleyClient.open(config(server.port(), "twice").build(), new RecordingListener())) {
            firstEvents.await("closed");
            assertThat(firstEvents.events()).noneMatch(e -> e.startsWith("restored"));
            assertThat(second.await(second.ping())).isNotNull();
        }
    }

    @Test
    void aQuietClientPingsSoTheServerKeepsIt(@TempDir Path quietDir) throws Exception {
        RecordingListener quietEvents = new RecordingListener();
        try (TestServer strict = TestServer.start(quietDir, c -> c.idleTimeout(Duration.ofSeconds(3)));
             ParleyClient quiet = ParleyClient.open(config(strict.port(), "quiet").heartbeat(Duration.ofSeconds(1)).build(),
                     quietEvents);
             TestClient silent = strict.login("silent")) {
            Thread.sleep(4_500); // past the idle timeout
            assertThat(silent.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(quiet.await(quiet.ping())).isNotNull();
            assertThat(quietEvents.events()).as("never dropped, so never reconnected").noneMatch(e -> e.startsWith("lost"));
        }
    }
}
