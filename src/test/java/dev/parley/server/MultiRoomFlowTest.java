package dev.parley.server;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Several rooms per player and resends without duplicates, with real clients against a real server. */
class MultiRoomFlowTest {

    static final int MAX_ROOMS = 3;

    @TempDir
    static Path dir;
    static TestServer server;
    static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, c -> {
            c.rateLimit(0);
            c.maxRoomsPerPlayer(MAX_ROOMS);
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String name(String prefix) {
        return prefix + names.incrementAndGet();
    }

    private static void say(TestClient c, long roomId, String text, long cmid) {
        c.send(ChatRequest.newBuilder().setRoomId(roomId).setText(text).setClientMsgId(cmid).build());
    }

    private static JoinRoomResponse joinOk(TestClient c, long roomId) {
        JoinRoomResponse r = Chat.join(c, roomId);
        assertThat(r.getResult()).as("join %d: %s", roomId, r.getReason()).isEqualTo(Result.OK);
        return r;
    }

    @Test
    void aPlayerInThreeRoomsChatsInEachAndEveryMemberSeesEachRoomsOrder() throws Exception {
        try (TestClient alice = server.login(name("alice")); TestClient bob = server.login(name("bob"));
             TestClient carol = server.login(name("carol")); TestClient dave = server.login(name("dave"))) {
            long a = Chat.createRoom(alice, name("a"));
            long b = Chat.createRoom(alice, name("b"));
            long c = Chat.createRoom(alice, name("c"));
            // bob shares a and b with alice, carol b and c, dave only c
            Map<TestClient, List<Long>> rooms = Map.of(alice, List.of(a, b, c), bob, List.of(a, b),
                    carol, List.of(b, c), dave, List.of(c));
            for (TestClient p : List.of(bob, carol, dave)) {
                for (long r : rooms.get(p)) {
                    joinOk(p, r);
                }
            }
            Map<Long, Integer> expected = new HashMap<>();
            int perRoom = 20;
            // interleaved: each speaker goes round its rooms, so the rooms' queues run side by side
            for (int i = 1; i <= perRoom; i++) {
                for (TestClient p : List.of(alice, bob, carol)) {
                    for (long r : rooms.get(p)) {
                        say(p, r, "m" + i, i * 1000L + r);
                        expected.merge(r, 1, Integer::sum);
                    }
                }
            }
            Map<Long, List<ChatNotify>> reference = new HashMap<>();
            for (TestClient p : List.of(alice, bob, carol, dave)) {
                int total = rooms.get(p).stream().mapToInt(expected::get).sum();
                Map<Long, List<ChatNotify>> byRoom = new HashMap<>();
                for (ChatNotify n : Chat.receive(p, total)) {
                    byRoom.computeIfAbsent(n.getRoomId(), k -> new ArrayList<>()).add(n);
                }
                assertThat(byRoom.keySet()).containsExactlyInAnyOrderElementsOf(rooms.get(p));
                for (long r : rooms.get(p)) {
                    List<ChatNotify> seen = byRoom.get(r);
                    assertThat(Chat.seqs(seen)).as("room %d as one member sees it", r).isEqualTo(Chat.range(1, expected.get(r)));
                    List<ChatNotify> first = reference.putIfAbsent(r, seen);
                    if (first != null) {
                        assertThat(seen).as("every member of room %d sees the same order", r).isEqualTo(first);
                    }
                    // each sender's messages in the order it sent them
                    Map<Long, Long> lastId = new HashMap<>();
                    for (ChatNotify n : seen) {
                        Long before = lastId.put(n.getSender().getPlayerId(), n.getClientMsgId());
                        assertThat(before == null || before < n.getClientMsgId()).isTrue();
                    }
                }
            }
            dave.expectNothing(100);
        }
    }

    @Test
    void roomIdRulesLimitAndLeavingOneOfThree() throws Exception {
        try (TestClient alice = server.login(name("alice")); TestClient bob = server.login(name("bob"))) {
            long a = Chat.createRoom(alice, name("a"));
            // one room: room_id 0 names it, as one-room clients expect
            Chat.say(alice, "only room", 1);
            assertThat(alice.expect(ChatNotify.class).getRoomId()).isEqualTo(a);
            assertThat(Chat.join(alice, a).getResult()).as("the same room again").isEqualTo(Result.ALREADY_IN_ROOM);

            long b = Chat.createRoom(bob, name("b"));
            long c = Chat.createRoom(bob, name("c"));
            long d = Chat.createRoom(bob, name("d"));
            joinOk(alice, b);
            Chat.say(alice, "which room?", 2);
            ErrorNotify which = alice.expectSkipping(ErrorNotify.class);
            assertThat(which.getResult()).isEqualTo(Result.INVALID_REQUEST);
            assertThat(which.getReason()).contains("room_id");
            alice.send(LeaveRoomRequest.getDefaultInstance());
            assertThat(alice.expect(LeaveRoomResponse.class).getResult()).isEqualTo(Result.INVALID_REQUEST);

            joinOk(alice, c);
            JoinRoomResponse tooMany = Chat.join(alice, d);
            assertThat(tooMany.getResult()).isEqualTo(Result.TOO_MANY_ROOMS);
            assertThat(tooMany.getReason()).contains(Integer.toString(MAX_ROOMS));
            alice.send(CreateRoomRequest.newBuilder().setName(name("e")).build());
            assertThat(alice.expect(CreateRoomResponse.class).getResult()).isEqualTo(Result.TOO_MANY_ROOMS);

            // leave b of a, b, c: b goes quiet for alice, a and c carry on
            bob.drain();
            alice.send(LeaveRoomRequest.newBuilder().setRoomId(b).build());
            LeaveRoomResponse left = alice.expectSkipping(LeaveRoomResponse.class);
            assertThat(left.getResult()).isEqualTo(Result.OK);
            assertThat(left.getRoomId()).isEqualTo(b);
            assertThat(bob.expectSkipping(MemberLeftNotify.class).getRoomId()).isEqualTo(b);
            say(bob, b, "after alice left", 10);
            say(bob, c, "in c", 11);
            ChatNotify inC = alice.expectSkipping(ChatNotify.class);
            assertThat(inC.getRoomId()).isEqualTo(c);
            say(alice, b, "not in b any more", 3);
            ErrorNotify notIn = alice.expect(ErrorNotify.class);
            assertThat(notIn.getResult()).isEqualTo(Result.NOT_IN_ROOM);
            assertThat(notIn.getClientMsgId()).isEqualTo(3);
            // now there is room for d
            joinOk(alice, d);
        }
    }

    @Test
    void aTakeoverLeavesEveryRoomOfTheOldConnection() throws Exception {
        String aliceName = name("alice");
        try (TestClient alice = server.login(aliceName); TestClient bob = server.login(name("bob"))) {
            long a = Chat.createRoom(bob, name("a"));
            long b = Chat.createRoom(bob, name("b"));
            joinOk(alice, a);
            joinOk(alice, b);
            bob.drain();
            try (TestClient again = server.login(aliceName)) {
                Set<Long> leftRooms = new HashSet<>();
                leftRooms.add(bob.expectSkipping(MemberLeftNotify.class).getRoomId());
                leftRooms.add(bob.expectSkipping(MemberLeftNotify.class).getRoomId());
                assertThat(leftRooms).containsExactlyInAnyOrder(a, b);
                assertThat(alice.awaitClosed(Duration.ofSeconds(10))).isTrue();
                // the new connection is in no room: it may join both again
                joinOk(again, a);
                joinOk(again, b);
            }
        }
    }

    @Test
    void aResendAfterADroppedConnectionIsStoredOnceAndAnsweredWithTheOriginal() throws Exception {
        String aliceName = name("alice");
        long room;
        ChatNotify original;
        try (TestClient bob = server.login(name("bob"))) {
            room = Chat.createRoom(bob, name("r"));
            try (TestClient alice = server.login(aliceName)) {
                joinOk(alice, room);
                say(alice, room, "did this arrive?", 77);
                original = bob.expectSkipping(ChatNotify.class);
                // alice's connection drops before she reads her echo
            }
            try (Connection db = server.server().database().dataSource().getConnection()) {
                StoredMessages.await("the original is stored", 10, () -> rowsOf(db, room).size() == 1);
                try (TestClient alice = server.login(aliceName)) {
                    JoinRoomResponse back = Chat.rejoin(alice, room, 0);
                    assertThat(back.getRecentList()).containsExactly(original);
                    say(alice, room, "did this arrive?", 77);
                    ChatNotify echo = alice.expectSkipping(ChatNotify.class);
                    assertThat(echo).as("the original: same seq, time and id").isEqualTo(original);
                    // a later message is numbered right after it: the resend used no seq
                    say(alice, room, "next", 78);
                    assertThat(alice.expectSkipping(ChatNotify.class).getSeq()).isEqualTo(original.getSeq() + 1);
                    List<MessageLite> bobSaw = new ArrayList<>();
                    ChatNotify next;
                    while (!((next = bob.expectSkipping(ChatNotify.class)).getClientMsgId() == 78)) {
                        bobSaw.add(next);
                    }
                    assertThat(bobSaw).as("the resend was not broadcast").isEmpty();
                }
                StoredMessages.await("both stored", 10, () -> rowsOf(db, room).size() == 2);
                assertThat(rowsOf(db, room)).extracting(StoredMessages.Row::clientMsgId).containsExactly(77L, 78L);
            }
            assertThat(server.server().meterRegistry().get("parley.chat.resends").counter().count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void withLogSyncAResendRacingItsOriginalIsNotSaidTwice(@TempDir Path syncDir) throws Exception {
        try (TestServer sync = TestServer.start(syncDir, c -> c.rateLimit(0).logSync(true));
             TestClient alice = sync.login("alice-sync"); TestClient bob = sync.login("bob-sync");
             Connection db = sync.server().database().dataSource().getConnection()) {
            long room = Chat.createRoom(alice, "sync");
            joinOk(bob, room);
            alice.drain();
            // back to back: the resend reaches the room while the original may still be being stored
            say(alice, room, "once", 9);
            say(alice, room, "once", 9);
            say(alice, room, "after", 10);
            ChatNotify original = bob.expectSkipping(ChatNotify.class);
            assertThat(original.getClientMsgId()).isEqualTo(9);
            assertThat(bob.expectSkipping(ChatNotify.class).getClientMsgId()).as("not broadcast twice").isEqualTo(10);
            List<ChatNotify> aliceSaw = new ArrayList<>();
            ChatNotify n;
            while ((n = alice.expectSkipping(ChatNotify.class)).getClientMsgId() != 10) {
                aliceSaw.add(n);
            }
            // the sender sees the original, and perhaps its echo again, never a second message
            assertThat(aliceSaw).isNotEmpty().allSatisfy(m -> assertThat(m).isEqualTo(original));
            assertThat(n.getSeq()).isEqualTo(original.getSeq() + 1);
            assertThat(rowsOf(db, room)).extracting(StoredMessages.Row::clientMsgId).containsExactly(9L, 10L);
        }
    }

    private static List<StoredMessages.Row> rowsOf(Connection db, long room) {
        try {
            return StoredMessages.of(db, room);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
