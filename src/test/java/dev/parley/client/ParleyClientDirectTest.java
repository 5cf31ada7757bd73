package dev.parley.client;

import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Direct messages, blocks, and edits and deletes through the client library, against a real server over loopback. */
class ParleyClientDirectTest {

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(dataDir, c -> c.rateLimit(0));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static ParleyClient open(String name, RecordingListener events) {
        return ParleyClient.open(ParleyClientTest.config(server.port(), name).build(), events);
    }

    @Test
    void sendsReceivesBlocksAndPagesDirectMessages() throws Exception {
        RecordingListener amyEvents = new RecordingListener();
        RecordingListener benEvents = new RecordingListener();
        try (ParleyClient amy = open("amy", amyEvents); ParleyClient ben = open("ben", benEvents)) {
            DirectMessageNotify first = amy.await(amy.sendDirect("ben", "hi ben"));
            assertThat(first.getSeq()).isEqualTo(1);
            amyEvents.await("dm 1 amy->ben: hi ben");
            benEvents.await("dm 1 amy->ben: hi ben");

            assertThat(ben.await(ben.block("AMY")).getName()).isEqualTo("amy");
            assertThat(amy.await(amy.sendDirect("ben", "are you ignoring me?")).getSeq()).isEqualTo(2);
            assertThat(ben.await(ben.unblock("amy")).getName()).isEqualTo("amy");
            assertThat(amy.await(amy.sendDirect("ben", "hello again")).getSeq()).isEqualTo(3);
            benEvents.await("dm 3 amy->ben: hello again");
            assertThat(benEvents.events()).noneMatch(e -> e.startsWith("dm 2"));

            // two reads of different peers at once: each gets its own page
            CompletableFuture<DirectHistoryResponse> withAmy = ben.directHistory("amy", null, null, 0);
            CompletableFuture<DirectHistoryResponse> withNobody = ben.directHistory("nobody", null, null, 0);
            assertThat(ben.await(withAmy).getMessagesList()).extracting(DirectMessageNotify::getSeq).containsExactly(1L, 3L);
            assertThatThrownBy(() -> ben.await(withNobody)).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.result()).isEqualTo(Result.PLAYER_NOT_FOUND));
            DirectHistoryResponse older = amy.await(amy.directHistory("ben", null, 3L, 1));
            assertThat(older.getMessagesList()).extracting(DirectMessageNotify::getSeq).containsExactly(2L);
            assertThat(older.getHasMore()).isTrue();

            assertThatThrownBy(() -> amy.await(amy.sendDirect("nobody", "hello?")))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.PLAYER_NOT_FOUND));
            assertThatThrownBy(() -> amy.await(amy.block("amy")))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.INVALID_REQUEST));
        }
    }

    @Test
    void editsAndDeletesReachTheOtherClientAsNumberedChat() throws Exception {
        RecordingListener eveEvents = new RecordingListener();
        RecordingListener finEvents = new RecordingListener();
        try (ParleyClient eve = open("eve", eveEvents); ParleyClient fin = open("fin", finEvents)) {
            long room = eve.await(eve.createRoom("edits", 0)).getRoom().getRoomId();
            fin.await(fin.join(room));
            long seq = eve.await(eve.chat(room, "helo")).getSeq();
            finEvents.await("chat " + seq + " eve: helo");
            assertThat(eve.await(eve.editMessage(room, seq, "hello"))).isEqualTo(seq + 1);
            finEvents.await("chat " + (seq + 1) + " eve: hello");
            assertThatThrownBy(() -> fin.await(fin.deleteMessage(room, seq, "no")))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.NOT_ALLOWED));
            assertThat(eve.await(eve.deleteMessage(room, seq, null))).isEqualTo(seq + 2);
            finEvents.await("chat " + (seq + 2) + " eve: ");
            assertThatThrownBy(() -> eve.await(eve.editMessage(room, seq, "again")))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.MESSAGE_NOT_FOUND));
            assertThat(fin.state().lastSeen(room)).isEqualTo(seq + 2);
        }
    }

    @Test
    void editsAndDeletesOfDirectMessagesReachBothClients() throws Exception {
        RecordingListener gusEvents = new RecordingListener();
        RecordingListener halEvents = new RecordingListener();
        try (ParleyClient gus = open("gus", gusEvents); ParleyClient hal = open("hal", halEvents)) {
            long seq = gus.await(gus.sendDirect("hal", "helo")).getSeq();
            halEvents.await("dm " + seq + " gus->hal: helo");
            assertThat(gus.await(gus.editDirect("HAL", seq, "hello"))).isEqualTo(seq + 1);
            halEvents.await("dm " + (seq + 1) + " gus->hal: hello");
            gusEvents.await("dm " + (seq + 1) + " gus->hal: hello");
            assertThatThrownBy(() -> hal.await(hal.deleteDirect("gus", seq)))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.NOT_ALLOWED));
            assertThat(gus.await(gus.deleteDirect("hal", seq))).isEqualTo(seq + 2);
            halEvents.await("dm " + (seq + 2) + " gus->hal: ");
            assertThatThrownBy(() -> gus.await(gus.editDirect("hal", seq, "again")))
                    .isInstanceOfSatisfying(RequestRefusedException.class,
                            e -> assertThat(e.result()).isEqualTo(Result.MESSAGE_NOT_FOUND));
            assertThat(hal.await(hal.directHistory("gus", null, null, 0)).getMessagesList())
                    .extracting(DirectMessageNotify::getKind, DirectMessageNotify::getTargetSeq)
                    .containsExactly(tuple(ChatKind.CHAT_KIND_DELETE, seq), tuple(ChatKind.CHAT_KIND_EDIT, seq),
                            tuple(ChatKind.CHAT_KIND_DELETE, seq));
        }
    }

    @Test
    void conversationsWithUnreadMessagesComeWithTheLogin() throws Exception {
        server.login("cat").close(); // an account that is offline
        server.awaitConnections(0);
        RecordingListener events = new RecordingListener();
        try (ParleyClient dan = open("dan", events)) {
            dan.await(dan.sendDirect("cat", "one"));
            dan.await(dan.sendDirect("cat", "two"));
        }
        try (ParleyClient cat = open("cat", new RecordingListener())) {
            assertThat(cat.conversations()).extracting(Conversation::getUnread, Conversation::getLastSeq)
                    .containsExactly(tuple(2, 2L));
            assertThat(cat.conversations().get(0).getPeer().getName()).isEqualTo("dan");
        }
    }
}
