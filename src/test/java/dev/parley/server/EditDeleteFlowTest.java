package dev.parley.server;

import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edits and deletes as numbered events, end to end: real clients over loopback against a real
 * server on embedded H2, restarted to read the final state back from the database.
 */
class EditDeleteFlowTest {

    @TempDir
    Path dir;

    private TestServer startServer() throws Exception {
        return TestServer.start(dir, c -> c.rateLimit(0).permanentRooms(List.of("lobby")));
    }

    static DeleteMessageResponse delete(TestClient c, long roomId, long seq) {
        c.send(DeleteMessageRequest.newBuilder().setRoomId(roomId).setSeq(seq).setReason("test").build());
        return c.expectSkipping(DeleteMessageResponse.class);
    }

    static EditMessageResponse edit(TestClient c, long roomId, long seq, String text) {
        c.send(EditMessageRequest.newBuilder().setRoomId(roomId).setSeq(seq).setText(text).build());
        return c.expectSkipping(EditMessageResponse.class);
    }

    @Test
    void editsAndDeletesReachMembersResumersAndHistoryInTheirFinalState() throws Exception {
        long room;
        try (TestServer server = startServer();
             TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            room = Chat.room(alice, "lobby").getRoomId();
            Chat.join(alice, room);
            Chat.join(bob, room);
            long last;
            try (TestClient carol = server.login("carol")) {
                Chat.join(carol, room);
                for (int i = 1; i <= 3; i++) {
                    Chat.say(alice, "line " + i, i);
                }
                List<ChatNotify> seen = Chat.receive(carol, 3);
                last = seen.get(2).getSeq();
            }
            Chat.receive(bob, 3);
            Chat.receive(alice, 3);
            long first = last - 2;

            // refusals: not the author, unknown seq
            assertThat(edit(bob, room, first, "mine now").getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(delete(bob, room, first).getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(delete(alice, room, last + 100).getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);

            EditMessageResponse edited = edit(alice, room, first, "line 1, fixed");
            assertThat(edited.getResult()).isEqualTo(Result.OK);
            assertThat(edited.getSeq()).isEqualTo(last + 1);
            DeleteMessageResponse deleted = delete(alice, room, first + 1);
            assertThat(deleted.getResult()).isEqualTo(Result.OK);
            assertThat(deleted.getSeq()).isEqualTo(last + 2);

            List<ChatNotify> live = Chat.receive(bob, 2);
            assertThat(live.get(0).getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
            assertThat(live.get(0).getTargetSeq()).isEqualTo(first);
            assertThat(live.get(0).getText()).isEqualTo("line 1, fixed");
            assertThat(live.get(0).getSender().getName()).isEqualTo("alice");
            assertThat(live.get(1).getKind()).isEqualTo(ChatKind.CHAT_KIND_DELETE);
            assertThat(live.get(1).getTargetSeq()).isEqualTo(first + 1);
            assertThat(live.get(1).getText()).isEmpty();

            // a deleted message cannot be deleted or edited again
            assertThat(delete(alice, room, first + 1).getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);
            assertThat(edit(alice, room, first + 1, "back").getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);
            // an event is not a message
            assertThat(edit(alice, room, last + 1, "x").getResult()).isEqualTo(Result.MESSAGE_NOT_FOUND);

            // a client that saw up to `last` resumes and gets the events it missed
            try (TestClient carol = server.login("carol")) {
                JoinRoomResponse resumed = Chat.rejoin(carol, room, last);
                assertThat(resumed.getHasGap()).isFalse();
                assertThat(resumed.getRecentList()).isEqualTo(live);
            }
            assertFinalState(alice, room, first, live);
            assertThat(changes(server, "edit", "ok")).isEqualTo(1);
            assertThat(changes(server, "edit", "not_allowed")).isEqualTo(1);
            assertThat(changes(server, "delete", "message_not_found")).isEqualTo(2);
        }
        // after a restart the final state comes from the database
        try (TestServer server = startServer(); TestClient dave = server.login("dave")) {
            List<ChatNotify> all = Chat.all(dave, room);
            assertFinalState(all, all.get(all.size() - 5).getSeq());
        }
    }

    private static double changes(TestServer server, String kind, String result) {
        return server.server().meterRegistry().get("parley.chat.changes").tag("kind", kind).tag("result", result)
                .counter().count();
    }

    private static void assertFinalState(TestClient c, long room, long first, List<ChatNotify> events) {
        List<ChatNotify> all = Chat.all(c, room);
        assertThat(all.subList(all.size() - 2, all.size())).isEqualTo(events);
        assertFinalState(all, first);
    }

    /** History from {@code first}: the edited message, the tombstone, the untouched one, the two events. */
    private static void assertFinalState(List<ChatNotify> all, long first) {
        List<ChatNotify> tail = all.subList(all.size() - 5, all.size());
        assertThat(Chat.seqs(tail)).isEqualTo(Chat.range(first, first + 4));
        ChatNotify edited = tail.get(0);
        assertThat(edited.getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
        assertThat(edited.getTargetSeq()).isEqualTo(first);
        assertThat(edited.getText()).isEqualTo("line 1, fixed");
        assertThat(edited.getSender().getName()).isEqualTo("alice");
        ChatNotify tombstone = tail.get(1);
        assertThat(tombstone.getKind()).isEqualTo(ChatKind.CHAT_KIND_DELETE);
        assertThat(tombstone.getTargetSeq()).isEqualTo(first + 1);
        assertThat(tombstone.getText()).isEmpty();
        assertThat(tail.get(2).getKind()).isEqualTo(ChatKind.CHAT_KIND_MESSAGE);
        assertThat(tail.get(2).getText()).isEqualTo("line 3");
        assertThat(tail.get(2).getTargetSeq()).isZero();
        assertThat(tail.get(3).getTargetSeq()).isEqualTo(first);
        assertThat(tail.get(4).getTargetSeq()).isEqualTo(first + 1);
    }
}
