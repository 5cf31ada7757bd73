package dev.parley.cluster;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.testing.Chat;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.PostgresTestDatabase;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.TwoNodeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Parley nodes in this JVM on one real redis-server and one PostgreSQL database, with real
 * clients over loopback: rooms are shared, a room's messages reach every member on both nodes
 * with one contiguous order, are stored once, resume across nodes, and a node listens only to
 * the rooms it has members in (docs/SCALING.md).
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterRoomsTest {

    static TwoNodeCluster cluster;
    static RedisServer redis;
    static PostgresTestDatabase db;
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        cluster = TwoNodeCluster.start(dir, c -> c.permanentRooms(List.of("lobby")));
        redis = cluster.redis;
        db = cluster.db;
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRoomCreatedOnOneNodeIsUsedFromBothWithOneOrderStoredOnce() throws Exception {
        try (TestClient alice = a.login("alice1"); TestClient bob = b.login("bob1")) {
            long room = Chat.createRoom(alice, "shared-1");
            awaitListed(bob, room);
            String channel = ClusterKeys.roomChannel(room);
            assertFalse(b.server().cluster().link().subscribed(channel), "node b has no member in the room yet");
            JoinRoomResponse joined = Chat.join(bob, room);
            assertEquals(Result.OK, joined.getResult());
            assertTrue(joined.getMembersList().stream().anyMatch(m -> m.getName().equals("alice1")),
                    "bob sees alice, a member on the other node: " + joined.getMembersList());
            assertTrue(b.server().cluster().link().subscribed(channel));
            assertEquals("bob1", alice.expectSkipping(MemberJoinedNotify.class).getMember().getName());

            for (int i = 0; i < 20; i++) {
                Chat.say(i % 2 == 0 ? alice : bob, "m" + i, i + 1);
            }
            List<ChatNotify> atAlice = Chat.receive(alice, 20);
            List<ChatNotify> atBob = Chat.receive(bob, 20);
            assertEquals(texts(atAlice), texts(atBob), "one order on both nodes");
            for (int i = 0; i < 20; i++) {
                assertEquals(i + 1, atAlice.get(i).getSeq(), "contiguous seq from 1");
                assertEquals(atAlice.get(i).getSeq(), atBob.get(i).getSeq());
            }
            awaitTrue(() -> storedRows(room) == 20, "every message stored exactly once");

            bob.send(LeaveRoomRequest.newBuilder().setRoomId(room).build());
            assertEquals(Result.OK, bob.expectSkipping(LeaveRoomResponse.class).getResult());
            assertEquals("bob1", alice.expectSkipping(MemberLeftNotify.class).getMember().getName());
            awaitTrue(() -> !b.server().cluster().link().subscribed(channel), "node b stops listening to the room");
        }
    }

    @Test
    void concurrentSendersOnBothNodesGetOneContiguousOrder() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add((i % 2 == 0 ? a : b).login("conc" + i));
            }
            long room = Chat.createRoom(clients.get(0), "shared-2");
            awaitListed(clients.get(1), room);
            for (int i = 1; i < 4; i++) {
                assertEquals(Result.OK, Chat.join(clients.get(i), room).getResult());
            }
            int each = 50;
            for (int n = 0; n < each; n++) {
                for (int i = 0; i < 4; i++) {
                    clients.get(i).send(ChatRequest.newBuilder().setText("c" + i + "-" + n).setClientMsgId(n + 1).build());
                }
            }
            List<String> first = null;
            for (TestClient c : clients) {
                List<ChatNotify> got = Chat.receive(c, 4 * each);
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(i + 1, got.get(i).getSeq(), "contiguous");
                }
                List<String> order = texts(got);
                if (first == null) {
                    first = order;
                } else {
                    assertEquals(first, order, "the same order for every member on every node");
                }
            }
        } finally {
            for (TestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aClientResumesOnTheOtherNodeWithoutGapOrDuplicate() throws Exception {
        long room;
        long lastSeen;
        try (TestClient carol = a.login("carol3"); TestClient dave = b.login("dave3")) {
            room = Chat.createRoom(carol, "shared-3");
            awaitListed(dave, room);
            Chat.join(dave, room);
            for (int i = 1; i <= 5; i++) {
                Chat.say(carol, "before" + i, i);
            }
            lastSeen = Chat.receive(carol, 5).get(4).getSeq();
            Chat.receive(dave, 5);
            carol.close();
            a.awaitConnections(0);
            for (int i = 1; i <= 5; i++) {
                Chat.say(dave, "while-away" + i, i);
            }
            for (int i = 0; i < 5; i++) {
                MessageLite m = dave.next();
                while (!(m instanceof ChatNotify) && !(m instanceof ErrorNotify)) {
                    m = dave.next();
                }
                assertTrue(m instanceof ChatNotify, "dave's chat is numbered, not refused: " + m);
            }
            try (TestClient again = b.login("carol3")) {
                JoinRoomResponse resumed = Chat.rejoin(again, room, lastSeen);
                assertEquals(Result.OK, resumed.getResult());
                assertFalse(resumed.getHasGap());
                List<String> missed = new ArrayList<>();
                long expected = lastSeen + 1;
                for (ChatNotify m : resumed.getRecentList()) {
                    assertEquals(expected++, m.getSeq(), "no gap, no duplicate");
                    missed.add(m.getText());
                }
                assertEquals(List.of("while-away1", "while-away2", "while-away3", "while-away4", "while-away5"), missed);
                HistoryResponse h = Chat.history(again, room, null, 0L, 50);
                assertEquals(10, h.getMessagesCount(), "history from the database and the tail: " + h);
            }
        }
    }

    @Test
    void aPermanentRoomIsSharedAndAReplicaLoadsItsHistory() throws Exception {
        try (TestClient erin = a.login("erin4")) {
            long lobby = lobbyId(erin);
            Chat.join(erin, lobby);
            Chat.say(erin, "lobby hello", 1);
            long seq = Chat.receive(erin, 1).get(0).getSeq();
            try (TestClient frank = b.login("frank4")) {
                JoinRoomResponse j = Chat.join(frank, lobby);
                assertEquals(Result.OK, j.getResult());
                assertTrue(j.getRecentList().stream().anyMatch(m -> m.getSeq() == seq && m.getText().equals("lobby hello")),
                        "the replica on node b loaded the room's tail: " + j.getRecentList());
            }
        }
    }

    @Test
    void aNodeThatLosesRedisRefusesChatThenRecoversWithoutReusingASeq() throws Exception {
        try (TestClient gina = a.login("gina5"); TestClient hank = b.login("hank5")) {
            long room = Chat.createRoom(gina, "shared-5");
            awaitListed(hank, room);
            Chat.join(hank, room);
            Chat.say(gina, "one", 1);
            long before = Chat.receive(gina, 1).get(0).getSeq();
            Chat.receive(hank, 1);
            redis.restart(); // empty: every key and counter is gone
            // until the nodes see Redis again, chat is refused with a reason; afterwards it works
            long seq = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seq == 0 && System.nanoTime() < end) {
                Chat.say(gina, "after", 2);
                MessageLite m = gina.next();
                while (!(m instanceof ChatNotify) && !(m instanceof ErrorNotify)) {
                    m = gina.next();
                }
                if (m instanceof ChatNotify n) {
                    seq = n.getSeq();
                } else {
                    assertEquals(Result.SERVER_BUSY, ((ErrorNotify) m).getResult());
                    Thread.sleep(200);
                }
            }
            assertTrue(seq > before, "numbering continues after the seq seen (" + before + "), got " + seq);
            long expected = seq;
            ChatNotify atHank = hank.expectSkipping(ChatNotify.class);
            while (atHank.getText().equals("one") || atHank.getSeq() < expected) {
                atHank = hank.expectSkipping(ChatNotify.class);
            }
            assertEquals(expected, atHank.getSeq(), "the other node follows the jump");
            // the other tests share these nodes: both must have registered again and be ready
            awaitTrue(() -> a.server().cluster().readinessProblem() == null
                    && b.server().cluster().readinessProblem() == null, "both nodes ready again");
            awaitChatWorks(hank);
        }
    }

    /** Until {@code c}'s node has registered again after a Redis restart, its chat may be refused: retry. */
    private static void awaitChatWorks(TestClient c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 100; System.nanoTime() < end; i++) {
            Chat.say(c, "probe" + i, i);
            MessageLite m = c.next();
            while (!(m instanceof ChatNotify n && n.getText().equals("probe" + i)) && !(m instanceof ErrorNotify)) {
                m = c.next();
            }
            if (m instanceof ChatNotify) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("chat on the node did not work again within 20 s");
    }

    private static long lobbyId(TestClient c) {
        for (RoomInfo r : Chat.listRooms(c)) {
            if (r.getName().equals("lobby")) {
                return r.getRoomId();
            }
        }
        throw new AssertionError("no lobby listed");
    }

    private static void awaitListed(TestClient c, long room) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (Chat.listRooms(c).stream().anyMatch(r -> r.getRoomId() == room)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("room " + room + " is not listed on the other node");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long storedRows(long room) {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement("SELECT count(*) FROM chat_message WHERE room_id = ?")) {
            st.setLong(1, room);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> texts(List<ChatNotify> messages) {
        List<String> out = new ArrayList<>();
        for (ChatNotify m : messages) {
            out.add(m.getSeq() + ":" + m.getSender().getName() + ":" + m.getText());
        }
        return out;
    }
}
