package dev.parley.server;

import dev.parley.protocol.pb.BlockRequest;
import dev.parley.protocol.pb.BlockResponse;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DirectHistoryRequest;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.UnblockRequest;
import dev.parley.protocol.pb.UnblockResponse;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Direct messages and blocks end to end: real clients over loopback against a real server on
 * embedded H2, restarted where persistence is under test.
 */
class DirectMessageFlowTest {

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
        return TestServer.start(dir, c -> c.rateLimit(0).maxChatBytes(100));
    }

    private static DirectMessageNotify dm(TestClient from, String to, String text, long cmid) {
        from.send(DirectMessageRequest.newBuilder().setToName(to).setText(text).setClientMsgId(cmid).build());
        DirectMessageNotify echo = from.expect(DirectMessageNotify.class);
        assertThat(echo.getText()).isEqualTo(text);
        assertThat(echo.getClientMsgId()).isEqualTo(cmid);
        return echo;
    }

    private static ErrorNotify refusedDm(TestClient from, String to, String text, long cmid) {
        from.send(DirectMessageRequest.newBuilder().setToName(to).setText(text).setClientMsgId(cmid).build());
        ErrorNotify e = from.expect(ErrorNotify.class);
        assertThat(e.getRequestType()).isEqualTo(MsgType.DIRECT_MESSAGE_REQUEST);
        assertThat(e.getClientMsgId()).isEqualTo(cmid);
        return e;
    }

    private static DirectHistoryResponse history(TestClient c, String peer, Long after, Long before, int limit) {
        DirectHistoryRequest.Builder b = DirectHistoryRequest.newBuilder().setPeerName(peer).setLimit(limit);
        if (after != null) {
            b.setAfterSeq(after);
        }
        if (before != null) {
            b.setBeforeSeq(before);
        }
        c.send(b.build());
        return c.expectSkipping(DirectHistoryResponse.class);
    }

    private static List<Long> seqs(DirectHistoryResponse r) {
        return r.getMessagesList().stream().map(DirectMessageNotify::getSeq).toList();
    }

    private double refused(String reason) {
        return server.server().meterRegistry().get("parley.direct.refused").tag("reason", reason).counter().count();
    }

    @Test
    void aDirectMessageReachesBothSidesNumberedPerConversation() throws Exception {
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob");
             TestClient carol = server.login("carol")) {
            DirectMessageNotify first = dm(alice, "BOB", "hi bob", 7);
            assertThat(first.getSeq()).isEqualTo(1);
            assertThat(first.getSender().getName()).isEqualTo("alice");
            assertThat(first.getRecipient().getName()).isEqualTo("bob");
            assertThat(bob.expect(DirectMessageNotify.class)).isEqualTo(first);
            DirectMessageNotify reply = dm(bob, "alice", "hi alice", 8);
            assertThat(reply.getSeq()).isEqualTo(2);
            assertThat(alice.expect(DirectMessageNotify.class)).isEqualTo(reply);
            assertThat(dm(alice, "carol", "another conversation", 9).getSeq()).isEqualTo(1);
            assertThat(carol.expect(DirectMessageNotify.class).getSeq()).isEqualTo(1);
            bob.expectNothing(200);
        }
        assertThat(server.server().meterRegistry().get("parley.direct.messages").tag("outcome", "delivered")
                .counter().count()).isEqualTo(3);
    }

    @Test
    void anOfflinePlayerFindsItsUnreadConversationAtLoginAndReadsIt() throws Exception {
        server.login("carol").close();
        try (TestClient alice = server.login("alice")) {
            server.awaitConnections(1);
            dm(alice, "carol", "are you there?", 1);
            dm(alice, "carol", "ping me", 2);
            try (TestClient carol = server.client()) {
                LoginResponse login = carol.loginOk("carol", "pw-carol");
                assertThat(login.getConversationsList()).containsExactly(Conversation.newBuilder()
                        .setPeer(Member.newBuilder().setPlayerId(alice.playerId).setName("alice"))
                        .setLastSeq(2).setUnread(2).build());
                DirectHistoryResponse page = history(carol, "alice", null, null, 0);
                assertThat(page.getResult()).isEqualTo(Result.OK);
                assertThat(page.getPeer().getName()).isEqualTo("alice");
                assertThat(page.getMessagesList()).extracting(DirectMessageNotify::getText)
                        .containsExactly("are you there?", "ping me");
                assertThat(page.getHasMore()).isFalse();
            }
            server.awaitConnections(1);
            try (TestClient carol = server.client()) {
                // read by the history page: nothing unread any more
                assertThat(carol.loginOk("carol", "pw-carol").getConversations(0).getUnread()).isZero();
            }
        }
    }

    @Test
    void historyPagesBackwardsAndResumesAfterAGap() throws Exception {
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            for (int i = 1; i <= 10; i++) {
                dm(alice, "bob", "m" + i, i);
                bob.expect(DirectMessageNotify.class);
            }
            DirectHistoryResponse latest = history(bob, "alice", null, null, 3);
            assertThat(seqs(latest)).containsExactly(8L, 9L, 10L);
            assertThat(latest.getHasMore()).isTrue();
            DirectHistoryResponse older = history(bob, "alice", null, 8L, 3);
            assertThat(seqs(older)).containsExactly(5L, 6L, 7L);
            assertThat(older.getHasMore()).isTrue();
            // bob saw up to 4, then lost his connection: resume forwards from there
            DirectHistoryResponse resume = history(bob, "alice", 4L, null, 4);
            assertThat(seqs(resume)).containsExactly(5L, 6L, 7L, 8L);
            assertThat(resume.getHasMore()).isTrue();
            DirectHistoryResponse rest = history(bob, "alice", 8L, null, 4);
            assertThat(seqs(rest)).containsExactly(9L, 10L);
            assertThat(rest.getHasMore()).isFalse();
            assertThat(history(bob, "alice", 5L, 5L, 4).getResult()).isEqualTo(Result.INVALID_REQUEST);
        }
    }

    @Test
    void aBlockFiltersDirectAndRoomMessagesSurvivesARestartAndUnblockRestoresThem() throws Exception {
        server.login("alice").close();
        try (TestClient bob = server.login("bob")) {
            bob.send(BlockRequest.newBuilder().setName("Alice").build());
            BlockResponse blocked = bob.expect(BlockResponse.class);
            assertThat(blocked.getResult()).isEqualTo(Result.OK);
            assertThat(blocked.getPlayer().getName()).isEqualTo("alice");
        }
        server.close();
        server = startServer();
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob");
             TestClient carol = server.login("carol")) {
            // a direct message: alice sees it sent as usual; bob never gets it
            assertThat(dm(alice, "bob", "let me in", 1).getSeq()).isEqualTo(1);
            // a shared room: carol gets alice's chat, bob does not
            alice.send(CreateRoomRequest.newBuilder().setName("hall").build());
            long room = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            for (TestClient c : List.of(bob, carol)) {
                c.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
                assertThat(c.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
            }
            alice.send(ChatRequest.newBuilder().setText("from alice").setClientMsgId(2).build());
            assertThat(carol.expectSkipping(ChatNotify.class).getText()).isEqualTo("from alice");
            carol.send(ChatRequest.newBuilder().setText("from carol").setClientMsgId(3).build()); // after alice's
            assertThat(carol.expectSkipping(ChatNotify.class).getText()).isEqualTo("from carol");
            List<Object> bobGot = List.copyOf(bobUntilChat(bob, "from carol"));
            assertThat(bobGot).noneMatch(m -> m instanceof DirectMessageNotify
                    || m instanceof ChatNotify chat && chat.getSender().getName().equals("alice"));
            // bob's history does not show the withheld message; alice's does
            assertThat(history(bob, "alice", null, null, 0).getMessagesList()).isEmpty();
            assertThat(seqs(history(alice, "bob", null, null, 0))).containsExactly(1L);

            bob.send(UnblockRequest.newBuilder().setName("alice").build());
            assertThat(bob.expect(UnblockResponse.class).getResult()).isEqualTo(Result.OK);
            DirectMessageNotify again = dm(alice, "bob", "better now?", 4);
            assertThat(again.getSeq()).isEqualTo(2);
            assertThat(bob.expect(DirectMessageNotify.class)).isEqualTo(again);
            alice.send(ChatRequest.newBuilder().setText("hello room").setClientMsgId(5).build());
            assertThat(bob.expectSkipping(ChatNotify.class).getText()).isEqualTo("hello room");
        }
    }

    /** Everything bob receives up to and including the room chat {@code text}. */
    private static List<Object> bobUntilChat(TestClient bob, String text) {
        List<Object> got = new ArrayList<>();
        while (true) {
            Object m = bob.next();
            got.add(m);
            if (m instanceof ChatNotify chat && chat.getText().equals(text)) {
                return got;
            }
            if (!(m instanceof MemberJoinedNotify || m instanceof ChatNotify || m instanceof DirectMessageNotify)) {
                throw new AssertionError("unexpected " + m);
            }
        }
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            assertThat(refusedDm(alice, "nobody", "hi", 1).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(refusedDm(alice, "", "hi", 2).getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(refusedDm(alice, "bob", "", 3).getResult()).isEqualTo(Result.INVALID_REQUEST);
            ErrorNotify tooLong = refusedDm(alice, "bob", "x".repeat(101), 4);
            assertThat(tooLong.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(tooLong.getReason()).contains("101 bytes");
            assertThat(refusedDm(alice, "bob", "bad \u001b[2J", 5).getResult()).isEqualTo(Result.INVALID_REQUEST);
            ErrorNotify self = refusedDm(alice, "ALICE", "note to self", 6);
            assertThat(self.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(self.getReason()).contains("yourself");

            alice.send(BlockRequest.newBuilder().setName("alice").build());
            BlockResponse blockSelf = alice.expect(BlockResponse.class);
            assertThat(blockSelf.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(blockSelf.getReason()).contains("yourself");
            alice.send(BlockRequest.newBuilder().setName("nobody").build());
            assertThat(alice.expect(BlockResponse.class).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            alice.send(UnblockRequest.newBuilder().setName("nobody").build());
            assertThat(alice.expect(UnblockResponse.class).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(history(alice, "nobody", null, null, 0).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            bob.expectNothing(200);
            assertThat(refused("invalid")).isEqualTo(6); // empty name, empty, long, escape, self; block self
            assertThat(refused("not_found")).isEqualTo(4);
        }
        try (TestClient stranger = server.client()) {
            stranger.send(DirectMessageRequest.newBuilder().setToName("bob").setText("hi").setClientMsgId(9).build());
            ErrorNotify e = stranger.expect(ErrorNotify.class);
            assertThat(e.getResult()).isEqualTo(Result.NOT_LOGGED_IN);
        }
    }
}
