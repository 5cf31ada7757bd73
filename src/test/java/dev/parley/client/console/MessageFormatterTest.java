package dev.parley.client.console;

import dev.parley.client.ClientState;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageFormatterTest {

    private static final Member ALICE = member(5, "Alice");
    private static final Member BOB = member(6, "Bob");
    private static final RoomInfo TEST_ROOM = room(12, "TestRoom", 2, 10);

    private static Member member(long id, String name) {
        return Member.newBuilder().setPlayerId(id).setName(name).build();
    }

    private static RoomInfo room(long id, String name, int count, int max) {
        return RoomInfo.newBuilder().setRoomId(id).setName(name).setMemberCount(count).setMaxMembers(max).build();
    }

    /** A state logged in as Alice and inside TestRoom. */
    private static ClientState aliceInTestRoom() {
        ClientState s = new ClientState();
        s.apply(LoginResponse.newBuilder().setResult(Result.OK).setPlayerId(5).setName("Alice").build());
        s.apply(JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(TEST_ROOM).build());
        return s;
    }

    @Test
    void chatShowsRoomSenderAndText() {
        ChatNotify chat = ChatNotify.newBuilder().setRoomId(12).setSeq(1).setSender(ALICE).setText("hello").build();
        assertThat(MessageFormatter.format(chat, aliceInTestRoom())).containsExactly("[TestRoom #12] Alice: hello  (msg 1)");
        // a room the client has not entered is shown by id
        assertThat(MessageFormatter.format(chat, new ClientState())).containsExactly("[#12] Alice: hello  (msg 1)");
    }

    @Test
    void idsAndCountsAreShownUnsignedAsTheProtocolMeansThem() {
        // uint64 2^64-1 and uint32 2^32-1 arrive in Java as -1
        ChatNotify chat = ChatNotify.newBuilder().setRoomId(-1).setSender(member(-1, "Eve")).setText("x").build();
        assertThat(MessageFormatter.format(chat, new ClientState())).containsExactly("[#18446744073709551615] Eve: x");
        assertThat(MessageFormatter.format(RoomListResponse.newBuilder().addRooms(room(-1, "Big", 1, -1)).build(),
                new ClientState())).contains("#18446744073709551615  Big  1/4294967295");
        assertThat(MessageFormatter.loggedIn(LoginResponse.newBuilder().setPlayerId(-1).setName("Eve").build()))
                .contains("(id 18446744073709551615)");
    }

    @Test
    void controlCharactersInChatCannotReachTheTerminal() {
        ChatNotify chat = ChatNotify.newBuilder().setRoomId(12).setSender(BOB)
                .setText("hi\u001b[2J\r\nthere\tyou\u0007").build();
        assertThat(MessageFormatter.format(chat, aliceInTestRoom()))
                .containsExactly("[TestRoom #12] Bob: hi\uFFFD[2J\uFFFD\uFFFDthere you\uFFFD");
    }

    @Test
    void membershipNoticesNameTheRoom() {
        ClientState s = aliceInTestRoom();
        assertThat(MessageFormatter.format(MemberJoinedNotify.newBuilder().setRoomId(12).setMember(BOB).build(), s))
                .containsExactly("* Bob joined TestRoom");
        assertThat(MessageFormatter.format(MemberLeftNotify.newBuilder().setRoomId(12).setMember(BOB).build(), s))
                .containsExactly("* Bob left TestRoom");
    }

    @Test
    void refusalsShowResultAndReason() {
        JoinRoomResponse full = JoinRoomResponse.newBuilder().setResult(Result.ROOM_FULL)
                .setReason("room:3(x) is full (10)").build();
        assertThat(MessageFormatter.format(full, new ClientState())).containsExactly("! ROOM_FULL: room:3(x) is full (10)");
        ErrorNotify limited = ErrorNotify.newBuilder().setResult(Result.RATE_LIMITED).setReason("over 100 requests/s")
                .setRequestType(MsgType.CHAT_REQUEST).setClientMsgId(7).build();
        assertThat(MessageFormatter.format(limited, new ClientState())).containsExactly("! RATE_LIMITED: over 100 requests/s");
        ErrorNotify notInRoom = ErrorNotify.newBuilder().setResult(Result.NOT_IN_ROOM).setReason("not in a room")
                .setRequestType(MsgType.CHAT_REQUEST).build();
        assertThat(MessageFormatter.format(notInRoom, new ClientState()))
                .containsExactly("! NOT_IN_ROOM: not in a room (/create NAME or /join ID first)");
        LeaveRoomResponse notIn = LeaveRoomResponse.newBuilder().setResult(Result.NOT_IN_ROOM).build();
        assertThat(MessageFormatter.format(notIn, new ClientState())).containsExactly("! NOT_IN_ROOM");
        ErrorNotify future = ErrorNotify.newBuilder().setResultValue(99).setReason("new").build();
        assertThat(MessageFormatter.format(future, new ClientState())).containsExactly("! result 99: new");
    }

    @Test
    void enteringARoomListsItsMembers() {
        ClientState s = new ClientState();
        s.apply(LoginResponse.newBuilder().setResult(Result.OK).setPlayerId(6).setName("Bob").build());
        JoinRoomResponse joined = JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(TEST_ROOM)
                .addMembers(ALICE).addMembers(BOB).build();
        assertThat(MessageFormatter.format(joined, s)).containsExactly(
                "Joined room TestRoom #12 (2/10). Type to chat, /leave to leave.",
                "--- members ---",
                "- Alice (id 5)",
                "- Bob (id 6, you)",
                "---------------");
        CreateRoomResponse created = CreateRoomResponse.newBuilder().setResult(Result.OK)
                .setRoom(room(13, "Raid", 1, 1000)).addMembers(BOB).build();
        assertThat(MessageFormatter.format(created, s)).startsWith(
                "Created room Raid #13 (1/1000). Type to chat, /leave to leave.", "--- members ---", "- Bob (id 6, you)");
    }

    @Test
    void joiningShowsTheRoomsRecentMessagesUnderTheMembers() {
        JoinRoomResponse joined = JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(TEST_ROOM)
                .addMembers(ALICE).addMembers(BOB)
                .addRecent(chat(12, 7, ALICE, "earlier")).addRecent(chat(12, 8, BOB, "just now\u001b")).build();
        // the state does not know the room yet: the names come from the response
        assertThat(MessageFormatter.format(joined, new ClientState())).containsExactly(
                "Joined room TestRoom #12 (2/10). Type to chat, /leave to leave.",
                "--- members ---",
                "- Alice (id 5)",
                "- Bob (id 6)",
                "--- recent ---",
                "[TestRoom #12] Alice: earlier  (msg 7)",
                "[TestRoom #12] Bob: just now\uFFFD  (msg 8)",
                "---------------");
    }

    @Test
    void historyIsABlockInSeqOrderWithItsCount() {
        assertThat(MessageFormatter.history(TEST_ROOM, List.of(chat(12, 3, ALICE, "one"), chat(12, 4, BOB, "two"))))
                .containsExactly("--- history (2) ---", "[TestRoom #12] Alice: one  (msg 3)", "[TestRoom #12] Bob: two  (msg 4)",
                        "---------------");
        assertThat(MessageFormatter.history(TEST_ROOM, List.of())).containsExactly("No messages in TestRoom #12 yet.");
    }

    @Test
    void aResumeNamesTheRoomAndWhatWasMissed() {
        assertThat(MessageFormatter.resumed(room(2, "Raid Night", 2, 1000), 3))
                .isEqualTo("* reconnected; resumed Raid Night (3 missed)");
        assertThat(MessageFormatter.notRejoined(room(2, "Raid Night", 2, 1000), "ROOM_NOT_FOUND: no room 2"))
                .isEqualTo("! could not rejoin Raid Night #2: ROOM_NOT_FOUND: no room 2");
    }

    @Test
    void historyResponsesAreNotShownAsNotices() {
        // the reader that asked for them shows them, as one block
        assertThat(MessageFormatter.format(HistoryResponse.newBuilder().setRoomId(12)
                .addMessages(chat(12, 1, ALICE, "x")).build(), aliceInTestRoom())).isEmpty();
    }

    private static ChatNotify chat(long roomId, long seq, Member sender, String text) {
        return ChatNotify.newBuilder().setRoomId(roomId).setSeq(seq).setSender(sender).setText(text).build();
    }

    @Test
    void editsAndDeletesAreShownAsSuchLiveAndInHistory() {
        ChatNotify edit = chat(12, 9, member(7, "Alice"), "new text").toBuilder()
                .setKind(dev.parley.protocol.pb.ChatKind.CHAT_KIND_EDIT).setTargetSeq(7).build();
        assertThat(MessageFormatter.chat(edit, "TestRoom")).isEqualTo("[TestRoom #12] (edited #7) Alice: new text  (msg 9)");
        ChatNotify delete = chat(12, 10, member(8, "Mod"), "").toBuilder()
                .setKind(dev.parley.protocol.pb.ChatKind.CHAT_KIND_DELETE).setTargetSeq(7).build();
        assertThat(MessageFormatter.chat(delete, "TestRoom")).isEqualTo("[TestRoom #12] (deleted #7 by Mod)  (msg 10)");
        ChatNotify edited = edit.toBuilder().setSeq(7).build();
        assertThat(MessageFormatter.chat(edited, "TestRoom")).isEqualTo("[TestRoom #12] (edited) Alice: new text  (msg 7)");
        ChatNotify tombstone = delete.toBuilder().setSeq(7).setSender(member(7, "Alice")).build();
        assertThat(MessageFormatter.chat(tombstone, "TestRoom")).isEqualTo("[TestRoom #12] (deleted message of Alice)  (msg 7)");
    }

    @Test
    void directEditsAndDeletesAreShownAsSuchLiveAndInHistory() {
        DirectMessageNotify edit = DirectMessageNotify.newBuilder().setSender(member(7, "Alice")).setRecipient(BOB)
                .setSeq(5).setText("new text").setKind(ChatKind.CHAT_KIND_EDIT).setTargetSeq(3).build();
        assertThat(MessageFormatter.direct(edit, 7)).isEqualTo("[dm to Bob #5] (edited #3) new text");
        assertThat(MessageFormatter.direct(edit, 6)).isEqualTo("[dm from Alice #5] (edited #3) new text");
        DirectMessageNotify delete = edit.toBuilder().setSeq(6).setText("").setKind(ChatKind.CHAT_KIND_DELETE).build();
        assertThat(MessageFormatter.direct(delete, 6)).isEqualTo("[dm from Alice #6] (deleted #3)");
        assertThat(MessageFormatter.direct(edit.toBuilder().setSeq(3).build(), 6))
                .isEqualTo("[dm from Alice #3] (edited) new text");
        assertThat(MessageFormatter.direct(delete.toBuilder().setSeq(3).build(), 6)).isEqualTo("[dm from Alice #3] (deleted)");
        assertThat(MessageFormatter.direct(edit.toBuilder().setKind(ChatKind.CHAT_KIND_MESSAGE).setTargetSeq(0).build(), 6))
                .isEqualTo("[dm from Alice #5] new text");
    }

    @Test
    void aSystemMessageIsMarkedApartFromPlayerChat() {
        ChatNotify system = chat(12, 9, member(0, "Server"), "restart in 5 minutes").toBuilder()
                .setKind(dev.parley.protocol.pb.ChatKind.CHAT_KIND_SYSTEM).build();
        assertThat(MessageFormatter.chat(system, "TestRoom")).isEqualTo("[TestRoom #12] *** Server: restart in 5 minutes ***  (msg 9)");
        assertThat(MessageFormatter.chat(chat(12, 10, member(7, "Server"), "hi"), "TestRoom"))
                .isEqualTo("[TestRoom #12] Server: hi  (msg 10)");
    }

    @Test
    void aMemberListCutShortByTheFrameLimitSaysSo() {
        JoinRoomResponse joined = JoinRoomResponse.newBuilder().setResult(Result.OK)
                .setRoom(room(1, "Big", 900, 1000)).addMembers(ALICE).build();
        assertThat(MessageFormatter.format(joined, new ClientState())).contains("- ... and 899 more");
    }

    @Test
    void roomListIsAnAlignedTable() {
        RoomListResponse list = RoomListResponse.newBuilder().addRooms(room(3, "x", 10, 10))
                .addRooms(room(12, "TestRoom", 2, 1000)).build();
        assertThat(MessageFormatter.format(list, new ClientState())).containsExactly(
                "--- rooms ---",
                "#3   x         10/10",
                "#12  TestRoom  2/1000",
                "---------------");
        assertThat(MessageFormatter.format(RoomListResponse.getDefaultInstance(), new ClientState()))
                .containsExactly("No rooms yet; /create NAME makes one.");
    }

    @Test
    void leavingNamesTheRoomLeft() {
        assertThat(MessageFormatter.format(LeaveRoomResponse.newBuilder().setResult(Result.OK).build(), aliceInTestRoom()))
                .containsExactly("Left room TestRoom #12.");
    }

    @Test
    void loginAndPongsAreNotShownAsNotices() {
        LoginResponse ok = LoginResponse.newBuilder().setResult(Result.OK).setPlayerId(5).setName("Alice").build();
        assertThat(MessageFormatter.format(ok, new ClientState())).isEmpty();
        assertThat(MessageFormatter.format(PongResponse.getDefaultInstance(), new ClientState())).isEmpty();
        assertThat(MessageFormatter.loggedIn(ok)).isEqualTo("Logged in as Alice (id 5). Type /help for commands.");
    }
}
