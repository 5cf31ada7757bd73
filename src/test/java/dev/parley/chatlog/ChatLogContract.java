package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.server.ServerConfig;
import dev.parley.store.Database;
import dev.parley.store.MessageStore;
import dev.parley.testing.BackendContract;
import dev.parley.testing.Chat;
import dev.parley.testing.StoredMessages.Row;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import io.micrometer.core.instrument.DistributionSummary;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The chat log against a real database; run for H2 and PostgreSQL by the subclasses. */
abstract class ChatLogContract extends BackendContract {


    @Test
    void tenThousandMessagesFromSeveralRoomsAreStoredOnceAndInOrder() throws Exception {
        int rooms = 4;
        int sendersPerRoom = 2;
        int perSender = 1250; // 4 rooms x 2 senders x 1250 = 10,000 messages
        try (TestServer server = start(c -> { })) {
            List<TestClient> clients = new ArrayList<>();
            long[] roomIds = new long[rooms];
            try {
                for (int r = 0; r < rooms; r++) {
                    TestClient owner = server.login("r" + r + "a");
                    roomIds[r] = Chat.createRoom(owner, "room-" + r);
                    clients.add(owner);
                    for (int k = 1; k < sendersPerRoom; k++) {
                        TestClient member = server.login("r" + r + "m" + k);
                        assertThat(Chat.join(member, roomIds[r]).getResult()).isEqualTo(Result.OK);
                        clients.add(member);
                    }
                }
                for (int i = 1; i <= perSender; i++) {
                    for (int c = 0; c < clients.size(); c++) {
                        Chat.say(clients.get(c), "c" + c + "-" + i, i);
                    }
                }
                int perRoom = sendersPerRoom * perSender;
                for (TestClient c : clients) {
                    List<ChatNotify> got = Chat.receive(c, perRoom);
                    assertThat(Chat.seqs(got)).isEqualTo(Chat.range(1, perRoom));
                }
                try (Connection db = backend.connect(dir)) {
                    StoredMessages.awaitCount(db, rooms * perRoom, 20);
                    assertThat(StoredMessages.count(db)).isEqualTo(rooms * perRoom);
                    for (int r = 0; r < rooms; r++) {
                        List<Row> rows = StoredMessages.of(db, roomIds[r]);
                        assertThat(rows).extracting(Row::seq).containsExactlyElementsOf(Chat.range(1, perRoom));
                        // each sender's messages in the order sent: client_msg_id rises with seq
                        Map<Long, Long> lastCmid = new HashMap<>();
                        for (Row row : rows) {
                            long prev = lastCmid.getOrDefault(row.senderId(), 0L);
                            assertThat(row.clientMsgId()).isEqualTo(prev + 1);
                            lastCmid.put(row.senderId(), row.clientMsgId());
                            assertThat(row.text()).endsWith("-" + row.clientMsgId());
                        }
                        assertThat(lastCmid.values()).containsOnly((long) perSender);
                    }
                }
                DistributionSummary batches = server.server().meterRegistry().get("parley.chatlog.batch.size").summary();
                assertThat(batches.totalAmount()).isEqualTo(rooms * perRoom);
                assertThat(batches.count()).as("batches").isLessThan(rooms * perRoom / 10);
                assertThat(server.server().meterRegistry().get("parley.chatlog.written").counter().count())
                        .isEqualTo(rooms * perRoom);
            } finally {
                clients.forEach(TestClient::close);
            }
        }
    }

    @Test
    void gracefulShutdownStoresEverythingStillQueued() throws Exception {
        int n = 300;
        List<ChatNotify> received;
        long roomId;
        // a flush interval longer than the test: every message is still queued at shutdown
        TestServer server = start(c -> c.logFlushInterval(Duration.ofSeconds(60)));
        try (TestClient a = server.login("alice"); Connection db = backend.connect(dir)) {
            roomId = Chat.createRoom(a, "shutdown");
            for (int i = 1; i <= n; i++) {
                Chat.say(a, "m" + i, i);
            }
            received = Chat.receive(a, n);
            assertThat(StoredMessages.count(db)).as("stored before shutdown").isZero();
            // more requests in flight while the server closes: some are accepted, some not
            for (int i = n + 1; i <= n + 500; i++) {
                Chat.say(a, "m" + i, i);
            }
            server.close();
            List<Row> rows = StoredMessages.of(db, roomId);
            assertThat(rows.size()).isGreaterThanOrEqualTo(n);
            // whatever was accepted (got a seq) is stored: seq 1..M without holes
            assertThat(rows).extracting(Row::seq).containsExactlyElementsOf(Chat.range(1, rows.size()));
            for (ChatNotify m : received) {
                Row row = rows.get((int) m.getSeq() - 1);
                assertThat(row.text()).isEqualTo(m.getText());
                assertThat(row.clientMsgId()).isEqualTo(m.getClientMsgId());
                assertThat(row.serverTimeMs()).isEqualTo(m.getServerTimeMs());
                assertThat(row.senderName()).isEqualTo("alice");
            }
        } finally {
            server.close();
        }
    }

    @Test
    void logSyncDeliversAMessageOnlyOnceItIsStored() throws Exception {
        try (TestServer server = start(c -> c.logSync(true));
             TestClient a = server.login("alice");
             TestClient b = server.login("bob");
             Connection db = backend.connect(dir)) {
            long roomId = Chat.createRoom(a, "sync");
            Chat.join(b, roomId);
            for (int i = 1; i <= 50; i++) {
                Chat.say(a, "m" + i, i);
                ChatNotify m = b.expectSkipping(ChatNotify.class);
                assertThat(m.getSeq()).isEqualTo(i);
                // delivered means stored: the row is there the moment the notice arrives
                assertThat(StoredMessages.of(db, roomId)).extracting(Row::seq).contains((long) i);
            }
            assertThat(Chat.seqs(Chat.receive(a, 50))).isEqualTo(Chat.range(1, 50));
        }
    }

    @Test
    void permanentRoomsStayWhenEmptyAndContinueTheirSeqAcrossRestarts() throws Exception {
        Consumer<ServerConfig.Builder> permanent = c -> c.permanentRooms(List.of("lobby", "trade"));
        long lobbyId;
        long adHocId;
        try (TestServer server = start(permanent); TestClient a = server.login("alice")) {
            RoomInfo lobby = Chat.room(a, "lobby");
            assertThat(lobby.getPermanent()).isTrue();
            assertThat(Chat.room(a, "trade").getPermanent()).isTrue();
            lobbyId = lobby.getRoomId();
            assertThat(Chat.join(a, lobbyId).getResult()).isEqualTo(Result.OK);
            for (int i = 1; i <= 3; i++) {
                Chat.say(a, "before restart " + i, i);
            }
            assertThat(Chat.seqs(Chat.receive(a, 3))).containsExactly(1L, 2L, 3L);
            a.send(LeaveRoomRequest.getDefaultInstance());
            assertThat(a.expectSkipping(LeaveRoomResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(Chat.room(a, "lobby").getMemberCount()).as("empty and still there").isZero();

            adHocId = Chat.createRoom(a, "ad hoc");
            a.send(LeaveRoomRequest.getDefaultInstance());
            a.expectSkipping(LeaveRoomResponse.class);
        }
        try (TestServer server = start(permanent); TestClient a = server.login("alice")) {
            assertThat(Chat.room(a, "lobby").getRoomId()).isEqualTo(lobbyId);
            JoinRoomResponse join = Chat.join(a, lobbyId);
            assertThat(Chat.seqs(join.getRecentList())).containsExactly(1L, 2L, 3L);
            Chat.say(a, "after restart", 4);
            assertThat(a.expectSkipping(ChatNotify.class).getSeq()).isEqualTo(4);
            a.send(LeaveRoomRequest.getDefaultInstance());
            a.expectSkipping(LeaveRoomResponse.class);
            assertThat(Chat.createRoom(a, "ad hoc")).as("room ids are never reused").isGreaterThan(adHocId);
        }
    }

    @Test
    void storingABatchAgainAfterAPartialFailureDuplicatesNothing() throws Exception {
        ServerConfig.Builder b = ServerConfig.builder();
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        try (Database db = Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2);
             Connection conn = backend.connect(dir)) {
            MessageStore store = new MessageStore(db);
            store.insert(SpillFileTest.messages(9, 1, 10));
            List<ChatNotify> replay = new ArrayList<>(SpillFileTest.messages(9, 5, 11)); // 5..15
            store.insert(replay);
            store.insert(replay);
            List<Row> rows = StoredMessages.of(conn, 9);
            assertThat(rows).extracting(Row::seq).containsExactlyElementsOf(Chat.range(1, 15));
            assertThat(store.maxSeq(9)).isEqualTo(15);
            assertThat(store.range(9, 3, 8, 100, true)).isEqualTo(SpillFileTest.messages(9, 4, 5));
            assertThat(store.range(9, 0, 15, 3, false)).isEqualTo(SpillFileTest.messages(9, 13, 3));
            assertThat(store.latest(9, 2)).isEqualTo(SpillFileTest.messages(9, 14, 2));
        }
    }

    @Test
    void editAndDeleteEventsRewriteTheirTargetAndAReplayCannotUndoANewerEdit() throws Exception {
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        try (Database db = Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2)) {
            MessageStore store = new MessageStore(db);
            List<ChatNotify> three = SpillFileTest.messages(9, 1, 3);
            ChatNotify edit1 = event(4, ChatKind.CHAT_KIND_EDIT, 1, "first edit");
            ChatNotify edit2 = event(5, ChatKind.CHAT_KIND_EDIT, 1, "second edit");
            ChatNotify delete = event(6, ChatKind.CHAT_KIND_DELETE, 2, "");
            List<ChatNotify> firstBatch = new ArrayList<>(three);
            firstBatch.add(edit1); // the target and its edit in one batch
            store.insert(firstBatch);
            store.insert(List.of(edit2, delete));
            store.insert(firstBatch); // a replay of the older batch: the newer edit stays
            store.insert(List.of(event(7, ChatKind.CHAT_KIND_EDIT, 2, "resurrected"))); // a deleted message stays deleted

            List<ChatNotify> all = store.range(9, 0, 10, 10, true);
            assertThat(all).extracting(ChatNotify::getSeq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(all.get(0).getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
            assertThat(all.get(0).getTargetSeq()).as("a message in its final state targets itself").isEqualTo(1);
            assertThat(all.get(0).getText()).isEqualTo("second edit");
            assertThat(all.get(0).getSender()).isEqualTo(three.get(0).getSender());
            assertThat(all.get(1).getKind()).isEqualTo(ChatKind.CHAT_KIND_DELETE);
            assertThat(all.get(1).getTargetSeq()).isEqualTo(2);
            assertThat(all.get(1).getText()).isEmpty();
            assertThat(all.get(2)).isEqualTo(three.get(2));
            assertThat(all.subList(3, 6)).containsExactly(edit1, edit2, delete);
        }
    }

    private static ChatNotify event(int seq, ChatKind kind, long target, String text) {
        return SpillFileTest.messages(9, seq, 1).get(0).toBuilder().setKind(kind).setTargetSeq(target).setText(text).build();
    }

    @Test
    void aTextThatPostgresCannotHoldIsStoredWithAReplacementCharacter() throws Exception {
        // Clients can no longer send a NUL (the chat text rules refuse it, see ContentRulesTest),
        // so the store's own defence is tested at the store.
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        try (Database db = Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2);
             Connection conn = backend.connect(dir)) {
            MessageStore store = new MessageStore(db);
            List<ChatNotify> two = SpillFileTest.messages(9, 1, 2);
            store.insert(List.of(two.get(0).toBuilder().setText("a\u0000b").build(),
                    two.get(1).toBuilder().setText("next").build()));
            assertThat(StoredMessages.of(conn, 9)).extracting(Row::text).containsExactly("a\uFFFDb", "next");
        }
    }

    @Test
    void withTheChatLogOffNothingIsStoredButJoinsStillGetRecentMessages() throws Exception {
        try (TestServer server = start(c -> c.chatLog(false));
             TestClient a = server.login("alice");
             TestClient b = server.login("bob");
             Connection db = backend.connect(dir)) {
            long roomId = Chat.createRoom(a, "unlogged");
            for (int i = 1; i <= 30; i++) {
                Chat.say(a, "m" + i, i);
            }
            Chat.receive(a, 30);
            JoinRoomResponse join = Chat.join(b, roomId);
            assertThat(Chat.seqs(join.getRecentList())).isEqualTo(Chat.range(11, 30));
            assertThat(StoredMessages.count(db)).isZero();
        }
    }
}
