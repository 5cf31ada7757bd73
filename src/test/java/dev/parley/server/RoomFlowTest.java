package dev.parley.server;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The five flows and their rules, driven by real TCP clients against a real server. */
class RoomFlowTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, c -> {
            c.roomMaxMembers(3);
            c.rateLimit(0);
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestClient player() throws Exception {
        return server.login("p" + names.incrementAndGet());
    }

    private static RoomInfo create(TestClient c, String name) {
        c.send(CreateRoomRequest.newBuilder().setName(name).build());
        CreateRoomResponse r = c.expect(CreateRoomResponse.class);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        return r.getRoom();
    }

    private static JoinRoomResponse join(TestClient c, long roomId) {
        c.send(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        return c.expect(JoinRoomResponse.class);
    }

    private static List<RoomInfo> list(TestClient c) {
        c.send(RoomListRequest.getDefaultInstance());
        return c.expect(RoomListResponse.class).getRoomsList();
    }

    @Test
    void createJoinChatLeaveEndToEnd() throws Exception {
        try (TestClient alice = player(); TestClient bob = player()) {
            alice.send(CreateRoomRequest.newBuilder().setName("TestRoom").build());
            CreateRoomResponse created = alice.expect(CreateRoomResponse.class);
            assertThat(created.getResult()).isEqualTo(Result.OK);
            assertThat(created.getMembersList()).extracting(m -> m.getPlayerId()).containsExactly(alice.playerId);
            assertThat(created.getRoom().getMaxMembers()).isEqualTo(3); // 0 = the server default
            long id = created.getRoom().getRoomId();
            assertThat(list(bob)).extracting(RoomInfo::getRoomId).contains(id);

            JoinRoomResponse joined = join(bob, id);
            assertThat(joined.getResult()).isEqualTo(Result.OK);
            assertThat(joined.getRoom().getName()).isEqualTo("TestRoom");
            assertThat(joined.getMembersList()).extracting(m -> m.getPlayerId()).containsExactly(alice.playerId, bob.playerId);
            assertThat(alice.expect(MemberJoinedNotify.class).getMember().getPlayerId()).isEqualTo(bob.playerId);

            alice.send(ChatRequest.newBuilder().setText("hello").setClientMsgId(1).build());
            for (TestClient c : List.of(alice, bob)) {
                ChatNotify n = c.expect(ChatNotify.class);
                assertThat(n.getSeq()).isEqualTo(1);
                assertThat(n.getText()).isEqualTo("hello");
                assertThat(n.getSender().getPlayerId()).isEqualTo(alice.playerId);
                assertThat(n.getClientMsgId()).isEqualTo(1);
                assertThat(n.getRoomId()).isEqualTo(id);
            }

            bob.send(LeaveRoomRequest.getDefaultInstance());
            assertThat(bob.expect(LeaveRoomResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(alice.expect(MemberLeftNotify.class).getMember().getPlayerId()).isEqualTo(bob.playerId);

            alice.send(LeaveRoomRequest.getDefaultInstance());
            assertThat(alice.expect(LeaveRoomResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(list(alice)).extracting(RoomInfo::getRoomId).doesNotContain(id);
            bob.expectNothing(100);
        }
    }

    @Test
    void roomRulesOverTheWire() throws Exception {
        try (TestClient a = player(); TestClient b = player(); TestClient c = player(); TestClient d = player()) {
            long id = create(a, "rules").getRoomId();
            // a second room is fine (several rooms per player); the same room twice is not
            long second = create(a, "second").getRoomId();
            a.send(LeaveRoomRequest.newBuilder().setRoomId(second).build());
            assertThat(a.expect(LeaveRoomResponse.class)).extracting(LeaveRoomResponse::getResult, LeaveRoomResponse::getRoomId)
                    .containsExactly(Result.OK, second);
            assertThat(join(a, id).getResult()).isEqualTo(Result.ALREADY_IN_ROOM);
            assertThat(join(b, 987_654).getResult()).isEqualTo(Result.ROOM_NOT_FOUND);
            assertThat(join(b, id).getResult()).isEqualTo(Result.OK);
            assertThat(join(c, id).getResult()).isEqualTo(Result.OK);
            JoinRoomResponse full = join(d, id);
            assertThat(full.getResult()).isEqualTo(Result.ROOM_FULL);
            assertThat(full.getReason()).isNotEmpty();

            d.send(ChatRequest.newBuilder().setText("let me in").setClientMsgId(77).build());
            ErrorNotify notIn = d.expect(ErrorNotify.class);
            assertThat(notIn.getResult()).isEqualTo(Result.NOT_IN_ROOM);
            assertThat(notIn.getClientMsgId()).isEqualTo(77);
            d.send(LeaveRoomRequest.getDefaultInstance());
            assertThat(d.expect(LeaveRoomResponse.class).getResult()).isEqualTo(Result.NOT_IN_ROOM);

            a.drain();
            a.send(ChatRequest.newBuilder().setText("").setClientMsgId(5).build());
            // b's and c's join notices may still be on their way: skip them, not the answer
            assertThat(a.expectSkipping(ErrorNotify.class)).extracting(ErrorNotify::getResult, ErrorNotify::getClientMsgId)
                    .containsExactly(Result.INVALID_REQUEST, 5L);
            a.send(ChatRequest.newBuilder().setText("x".repeat(4097)).setClientMsgId(6).build());
            assertThat(a.expect(ErrorNotify.class).getResult()).isEqualTo(Result.INVALID_REQUEST);
            a.send(ChatRequest.newBuilder().setText("x".repeat(4096)).setClientMsgId(7).build());
            assertThat(a.expect(ChatNotify.class).getText()).hasSize(4096);
        }
    }

    @Test
    void aDisconnectIsALeaveAndTheLastOneTakesTheRoomAway() throws Exception {
        try (TestClient a = player()) {
            long id;
            try (TestClient b = player()) {
                id = create(b, "fleeting").getRoomId();
                join(a, id);
                b.expect(MemberJoinedNotify.class);
            }
            assertThat(a.expect(MemberLeftNotify.class).getMember().getName()).startsWith("p");
            assertThat(list(a)).extracting(RoomInfo::getRoomId).contains(id);
            a.send(LeaveRoomRequest.getDefaultInstance());
            a.expect(LeaveRoomResponse.class);
            assertThat(list(a)).extracting(RoomInfo::getRoomId).doesNotContain(id);
        }
    }

    @Test
    void twoSendersTimesTwoHundredAreSeenInOneOrderByEveryMember() throws Exception {
        int perSender = 200;
        try (TestClient s1 = player(); TestClient s2 = player(); TestClient watcher = player()) {
            long id = create(s1, "order").getRoomId();
            join(s2, id);
            s1.expect(MemberJoinedNotify.class);
            join(watcher, id);
            s1.expect(MemberJoinedNotify.class);
            s2.expect(MemberJoinedNotify.class);
            Thread t1 = new Thread(() -> send(s1, "a", perSender));
            Thread t2 = new Thread(() -> send(s2, "b", perSender));
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            List<List<String>> seen = new ArrayList<>();
            for (TestClient c : List.of(s1, s2, watcher)) {
                List<String> order = new ArrayList<>();
                for (int i = 1; i <= 2 * perSender; i++) {
                    ChatNotify n = c.expect(ChatNotify.class);
                    assertThat(n.getSeq()).isEqualTo(i);
                    order.add(n.getText());
                }
                seen.add(order);
                // each sender's own messages keep the order they were sent in
                assertThat(order.stream().filter(t -> t.startsWith("a")).toList())
                        .containsExactlyElementsOf(expected("a", perSender));
                assertThat(order.stream().filter(t -> t.startsWith("b")).toList())
                        .containsExactlyElementsOf(expected("b", perSender));
            }
            assertThat(seen.get(1)).isEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
        }
    }

    private static void send(TestClient c, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            c.send(ChatRequest.newBuilder().setText(prefix + i).setClientMsgId(i).build());
        }
    }

    private static List<String> expected(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    @Test
    void joinResponseComesBeforeAnyChatOfTheRoom() throws Exception {
        try (TestClient talker = player(); TestClient joiner = player()) {
            long id = create(talker, "busy").getRoomId();
            Thread t = new Thread(() -> send(talker, "m", 300));
            t.start();
            joiner.send(JoinRoomRequest.newBuilder().setRoomId(id).build());
            t.join();
            MessageLite first = joiner.next();
            assertThat(first).isInstanceOf(JoinRoomResponse.class);
            long last = 0;
            // after its response the joiner gets the room's chat in strictly rising seq order
            talker.send(ChatRequest.newBuilder().setText("tail").build());
            while (true) {
                ChatNotify n = joiner.expectSkipping(ChatNotify.class);
                assertThat(n.getSeq()).isGreaterThan(last);
                last = n.getSeq();
                if (n.getText().equals("tail")) {
                    break;
                }
            }
        }
    }
}
