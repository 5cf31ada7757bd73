package dev.parley.server;

import dev.parley.protocol.pb.BlockRequest;
import dev.parley.protocol.pb.BlockResponse;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.DirectHistoryRequest;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Edits and deletes of direct messages end to end: real clients over loopback against a real
 * server on embedded H2, restarted to read the final state back from the database. The edit
 * window's clock is DirectServiceTest's.
 */
class DirectEditDeleteFlowTest {

    private static final ChatKind EDIT = ChatKind.CHAT_KIND_EDIT;
    private static final ChatKind DELETE = ChatKind.CHAT_KIND_DELETE;

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = startServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer startServer() throws Exception {
        Path words = dir.resolve("blocked-words.txt");
        Files.writeString(words, "darn\n");
        return TestServer.start(dir.resolve("data"), c -> c.rateLimit(0).maxChatBytes(100).blockedWordsFile(words));
    }

    private static DirectMessageNotify dm(TestClient from, TestClient to, String toName, String text, long cmid) {
        from.send(DirectMessageRequest.newBuilder().setToName(toName).setText(text).setClientMsgId(cmid).build());
        DirectMessageNotify echo = from.expect(DirectMessageNotify.class);
        assertThat(to == null ? echo : to.expect(DirectMessageNotify.class)).isEqualTo(echo);
        return echo;
    }

    private static EditMessageRequest edit(String peer, long seq, String text) {
        return EditMessageRequest.newBuilder().setPeerName(peer).setSeq(seq).setText(text).build();
    }

    private static DeleteMessageRequest delete(String peer, long seq) {
        return DeleteMessageRequest.newBuilder().setPeerName(peer).setSeq(seq).build();
    }

    /** A refused edit: its response, and nothing numbered before it. */
    private static EditMessageResponse refusedEdit(TestClient c, EditMessageRequest r) {
        c.send(r);
        EditMessageResponse response = c.expect(EditMessageResponse.class);
        assertThat(response.getSeq()).isZero();
        return response;
    }

    private static DeleteMessageResponse refusedDelete(TestClient c, DeleteMessageRequest r) {
        c.send(r);
        DeleteMessageResponse response = c.expect(DeleteMessageResponse.class);
        assertThat(response.getSeq()).isZero();
        return response;
    }

    private static DirectHistoryResponse history(TestClient c, String peer, Long after) {
        DirectHistoryRequest.Builder b = DirectHistoryRequest.newBuilder().setPeerName(peer);
        if (after != null) {
            b.setAfterSeq(after);
        }
        c.send(b.build());
        DirectHistoryResponse r = c.expect(DirectHistoryResponse.class);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        return r;
    }

    private double changes(String kind, String result) {
        return server.server().meterRegistry().get("parley.chat.changes").tag("kind", kind).tag("result", result)
                .counter().count();
    }

    @Test
    void editsAndDeletesReachBothPlayersLiveAndHistoryAndAResumeShowTheFinalState() throws Exception {
        List<DirectMessageNotify> live;
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            dm(alice, bob, "bob", "one", 1);
            dm(alice, bob, "bob", "two", 2);
            dm(bob, alice, "alice", "three", 3);

            // the author edits: the event reaches her first, then her answer; and it reaches bob
            alice.send(edit("BOB", 1, "one, you darn typo"));
            DirectMessageNotify edited = alice.expect(DirectMessageNotify.class);
            EditMessageResponse editOk = alice.expect(EditMessageResponse.class);
            assertThat(editOk.getResult()).isEqualTo(Result.OK);
            assertThat(editOk.getSeq()).isEqualTo(4);
            assertThat(edited.getSeq()).isEqualTo(4);
            assertThat(edited.getKind()).isEqualTo(EDIT);
            assertThat(edited.getTargetSeq()).isEqualTo(1);
            assertThat(edited.getText()).as("blocked words masked, as in a room edit").isEqualTo("one, you **** typo");
            assertThat(edited.getSender().getName()).isEqualTo("alice");
            assertThat(edited.getRecipient().getName()).isEqualTo("bob");
            assertThat(bob.expect(DirectMessageNotify.class)).isEqualTo(edited);

            alice.send(delete("bob", 2));
            DirectMessageNotify deleted = alice.expect(DirectMessageNotify.class);
            assertThat(alice.expect(DeleteMessageResponse.class).getSeq()).isEqualTo(5);
            assertThat(deleted.getKind()).isEqualTo(DELETE);
            assertThat(deleted.getTargetSeq()).isEqualTo(2);
            assertThat(deleted.getText()).isEmpty();
            assertThat(bob.expect(DirectMessageNotify.class)).isEqualTo(deleted);
            live = List.of(edited, deleted);

            // refusals, none of them numbered or sent to anyone
            assertThat(refusedEdit(bob, edit("alice", 1, "mine now")).getResult()).isEqualTo(Result.NOT_ALLOWED);
            DeleteMessageResponse notHers = refusedDelete(bob, delete("alice", 1));
            assertThat(notHers.getResult()).as("the recipient may not delete").isEqualTo(Result.NOT_ALLOWED);
            assertThat(notHers.getReason()).contains("only its author");
            assertThat(refusedEdit(alice, edit("bob", 3, "his")).getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(refusedDelete(alice, delete("bob", 99)).getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);
            assertThat(refusedEdit(alice, edit("bob", 2, "back")).getResult()).as("deleted")
                    .isEqualTo(Result.MESSAGE_NOT_FOUND);
            assertThat(refusedDelete(alice, delete("bob", 2)).getResult()).as("deleted already")
                    .isEqualTo(Result.MESSAGE_NOT_FOUND);
            EditMessageResponse anEvent = refusedEdit(alice, edit("bob", 4, "x"));
            assertThat(anEvent.getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);
            assertThat(anEvent.getReason()).contains("not a message");
            assertThat(refusedEdit(alice, edit("nobody", 1, "x")).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(refusedEdit(alice, edit("alice", 1, "x")).getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(refusedEdit(alice, edit("bob", 1, "")).getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(refusedEdit(alice, edit("bob", 1, "x".repeat(101))).getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(refusedEdit(alice, edit("bob", 1, "x").toBuilder().setRoomId(7).build()).getReason())
                    .contains("room_id must be 0");
            bob.expectNothing(200);

            // the numbering goes on after the events
            assertThat(dm(bob, alice, "alice", "four", 4).getSeq()).isEqualTo(6);
            assertThat(changes("edit", "ok")).isEqualTo(1);
            assertThat(changes("delete", "ok")).isEqualTo(1);
            assertThat(changes("edit", "not_allowed")).isEqualTo(2);
            assertThat(changes("delete", "message_not_found")).isEqualTo(2);
        }
        server.close();
        server = startServer();
        try (TestClient bob = server.login("bob")) {
            // from the database after a restart: every message in its latest state, plus the events
            List<DirectMessageNotify> all = history(bob, "alice", null).getMessagesList();
            assertThat(all).extracting(DirectMessageNotify::getSeq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            DirectMessageNotify one = all.get(0);
            assertThat(one.getKind()).isEqualTo(EDIT);
            assertThat(one.getTargetSeq()).isEqualTo(1);
            assertThat(one.getText()).isEqualTo("one, you **** typo");
            assertThat(one.getClientMsgId()).as("the original's").isEqualTo(1);
            DirectMessageNotify tombstone = all.get(1);
            assertThat(tombstone.getKind()).isEqualTo(DELETE);
            assertThat(tombstone.getTargetSeq()).isEqualTo(2);
            assertThat(tombstone.getText()).isEmpty();
            assertThat(all.get(2).getKind()).isEqualTo(ChatKind.CHAT_KIND_MESSAGE);
            assertThat(all.get(2).getText()).isEqualTo("three");
            assertThat(all.subList(3, 5)).isEqualTo(live);
            // a client that had seen up to seq 3 resumes and gets the events it missed
            assertThat(history(bob, "alice", 3L).getMessagesList()).isEqualTo(all.subList(3, 6));
        }
    }

    @Test
    void anOfflineRecipientFindsTheFinalStateAndNoEventCountedUnread() throws Exception {
        server.login("carol").close();
        try (TestClient alice = server.login("alice")) {
            server.awaitConnections(1);
            for (int i = 1; i <= 3; i++) {
                dm(alice, null, "carol", "m" + i, i);
            }
            alice.send(edit("carol", 1, "m1 edited"));
            alice.expect(DirectMessageNotify.class);
            assertThat(alice.expect(EditMessageResponse.class).getResult()).isEqualTo(Result.OK);
            alice.send(delete("carol", 2));
            alice.expect(DirectMessageNotify.class);
            assertThat(alice.expect(DeleteMessageResponse.class).getResult()).isEqualTo(Result.OK);
            try (TestClient carol = server.client()) {
                LoginResponse login = carol.loginOk("carol", "pw-carol");
                Conversation c = login.getConversations(0);
                assertThat(c.getLastSeq()).isEqualTo(5);
                assertThat(c.getUnread()).as("m1 (edited) and m3; not the tombstone, not the events").isEqualTo(2);
                assertThat(history(carol, "alice", null).getMessagesList())
                        .extracting(DirectMessageNotify::getKind, DirectMessageNotify::getText)
                        .containsExactly(tuple(EDIT, "m1 edited"),
                                tuple(DELETE, ""),
                                tuple(ChatKind.CHAT_KIND_MESSAGE, "m3"),
                                tuple(EDIT, "m1 edited"),
                                tuple(DELETE, ""));
            }
        }
    }

    @Test
    void anEventIsNotDeliveredToARecipientWhoBlocksTheAuthor() throws Exception {
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            dm(alice, bob, "bob", "hello", 1);
            bob.send(BlockRequest.newBuilder().setName("alice").build());
            assertThat(bob.expect(BlockResponse.class).getResult()).isEqualTo(Result.OK);
            alice.send(edit("bob", 1, "hello?"));
            assertThat(alice.expect(DirectMessageNotify.class).getKind()).isEqualTo(EDIT);
            assertThat(alice.expect(EditMessageResponse.class).getResult()).as("a block is not revealed")
                    .isEqualTo(Result.OK);
            bob.expectNothing(200);
            assertThat(history(bob, "alice", 1L).getMessagesList()).as("not in his history either").isEmpty();
        }
    }
}
