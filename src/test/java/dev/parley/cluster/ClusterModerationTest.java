package dev.parley.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.BanRequest;
import dev.parley.protocol.pb.BanResponse;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.TwoNodeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Moderation, direct messages and the online listing across two Parley nodes in this JVM on one
 * real redis-server and one PostgreSQL database, with real clients over loopback: a ban, mute,
 * unban or role made on one node is in force on the other, a DM reaches its recipient on the
 * other node and concurrent DMs from both nodes are numbered once, and the server API lists the
 * players of both nodes (docs/SCALING.md, "Moderation and direct messages across nodes").
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterModerationTest {

    static final String KEY = "cluster-key-0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TwoNodeCluster cluster;
    static TestServer a;
    static TestServer b;
    static Path words;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("api.key");
        Files.writeString(keys, KEY + "\n");
        words = dir.resolve("blocked-words.txt");
        Files.writeString(words, "zyzzyva\n");
        cluster = TwoNodeCluster.start(dir, c -> c.admins(List.of("boss")).apiKeyFile(keys).blockedWordsFile(words)
                .rateLimit(0));
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
    void aBanOnOneNodeClosesThePlayerOnTheOtherAndRefusesItThereAndAnUnbanThereLetsItIn() throws Exception {
        try (TestClient boss = a.login("boss"); TestClient bob = b.login("bob1")) {
            long seen = applied(b);
            boss.send(BanRequest.newBuilder().setName("bob1").setReason("cheat").build());
            assertEquals(Result.OK, boss.expectSkipping(BanResponse.class).getResult());
            ErrorNotify told = bob.expectSkipping(ErrorNotify.class);
            assertEquals(Result.BANNED, told.getResult());
            assertTrue(told.getReason().contains("cheat"), told.getReason());
            assertTrue(bob.awaitClosed(TestClient.TIMEOUT), "bob's connection on node b closes");
            awaitTrue(() -> applied(b) > seen, "node b applied the ban");
            try (TestClient again = b.client()) {
                assertEquals(Result.BANNED, again.login("bob1", "pw-bob1").getResult(), "refused on node b");
            }
            try (TestClient again = a.client()) {
                assertEquals(Result.BANNED, again.login("bob1", "pw-bob1").getResult(), "refused on node a");
            }

            long seenOnA = applied(a);
            assertEquals(200, api(b, "DELETE", "/api/v1/players/bob1/ban", null).statusCode());
            awaitTrue(() -> applied(a) > seenOnA, "node a applied the unban");
            try (TestClient again = a.client()) {
                assertEquals(Result.OK, again.login("bob1", "pw-bob1").getResult(), "let in on node a");
            }
        }
    }

    @Test
    void aBanThroughTheApiOfOneNodeReachesThePlayerOnTheOther() throws Exception {
        try (TestClient gus = a.login("gus7")) {
            long seen = applied(b);
            assertEquals(200, api(b, "POST", "/api/v1/players/gus7/ban", "{\"duration_s\": 3600}").statusCode());
            assertEquals(Result.BANNED, gus.expectSkipping(ErrorNotify.class).getResult());
            assertTrue(gus.awaitClosed(TestClient.TIMEOUT));
            assertEquals(200, api(b, "DELETE", "/api/v1/players/gus7/ban", null).statusCode());
            awaitTrue(() -> applied(a) >= 2 && applied(b) == seen, "node a applied the ban and the unban");
        }
    }

    @Test
    void aMuteOnOneNodeSilencesThePlayerOnTheOtherUntilLifted() throws Exception {
        try (TestClient boss = a.login("boss"); TestClient carl = b.login("carl2")) {
            long room = Chat.createRoom(carl, "muted-room");
            long seen = applied(b);
            boss.send(MuteRequest.newBuilder().setName("carl2").setDurationS(600).setReason("shouting").build());
            assertEquals(Result.OK, boss.expectSkipping(MuteResponse.class).getResult());
            awaitTrue(() -> applied(b) > seen, "node b applied the mute");
            carl.send(ChatRequest.newBuilder().setRoomId(room).setText("HELLO").setClientMsgId(1).build());
            ErrorNotify muted = carl.expectSkipping(ErrorNotify.class);
            assertEquals(Result.MUTED, muted.getResult());
            assertTrue(muted.getReason().contains("shouting"), muted.getReason());

            long again = applied(b);
            boss.send(MuteRequest.newBuilder().setName("carl2").setDurationS(0).build());
            assertEquals(Result.OK, boss.expectSkipping(MuteResponse.class).getResult());
            awaitTrue(() -> applied(b) > again, "node b applied the unmute");
            Chat.say(carl, "hello", 2);
            assertEquals("hello", carl.expectSkipping(ChatNotify.class).getText());
        }
    }

    @Test
    void aRoleGivenThroughOneNodesApiAppliesOnTheOther() throws Exception {
        try (TestClient dora = b.login("dora3"); TestClient eve = b.login("eve3")) {
            dora.send(MuteRequest.newBuilder().setName("eve3").setDurationS(60).build());
            assertEquals(Result.NOT_ALLOWED, dora.expectSkipping(MuteResponse.class).getResult());
            long seen = applied(b);
            assertEquals(200, api(a, "PUT", "/api/v1/players/dora3/roles", "{\"roles\": [\"moderator\"]}").statusCode());
            awaitTrue(() -> applied(b) > seen, "node b applied the role");
            dora.send(MuteRequest.newBuilder().setName("eve3").setDurationS(60).build());
            assertEquals(Result.OK, dora.expectSkipping(MuteResponse.class).getResult());
        }
    }

    @Test
    void aKickOnOneNodeRemovesAMemberConnectedToTheOther() throws Exception {
        try (TestClient boss = a.login("boss"); TestClient fay = b.login("fay4")) {
            long room = Chat.createRoom(fay, "kick-room");
            // a room is listed on the other nodes once its creator is in (a moment later)
            awaitTrue(() -> Chat.listRooms(boss).stream().anyMatch(r -> r.getRoomId() == room), "room listed on node a");
            boss.send(KickRequest.newBuilder().setRoomId(room).setName("fay4").build());
            assertEquals(Result.OK, boss.expectSkipping(KickResponse.class).getResult());
            assertEquals(room, fay.expectSkipping(MemberLeftNotify.class).getRoomId());
        }
    }

    @Test
    void aDirectMessageReachesTheRecipientOnTheOtherNode() throws Exception {
        try (TestClient hal = a.login("hal5"); TestClient ivy = b.login("ivy5")) {
            hal.send(DirectMessageRequest.newBuilder().setToName("ivy5").setText("hi ivy").setClientMsgId(1).build());
            DirectMessageNotify echo = hal.expectSkipping(DirectMessageNotify.class);
            DirectMessageNotify got = ivy.expectSkipping(DirectMessageNotify.class);
            assertEquals("hi ivy", got.getText());
            assertEquals("hal5", got.getSender().getName());
            assertEquals(echo.getSeq(), got.getSeq());
        }
    }

    @Test
    void concurrentDirectMessagesFromBothNodesGetDistinctContiguousSeqs() throws Exception {
        int each = 40;
        try (TestClient jo = a.login("jo6"); TestClient kim = b.login("kim6")) {
            // a conversation that does not exist yet: both first messages race to create it
            for (int i = 1; i <= each; i++) {
                jo.send(DirectMessageRequest.newBuilder().setToName("kim6").setText("j" + i).setClientMsgId(i).build());
                kim.send(DirectMessageRequest.newBuilder().setToName("jo6").setText("k" + i).setClientMsgId(i).build());
            }
            Set<Long> expected = new TreeSet<>();
            for (long s = 1; s <= 2L * each; s++) {
                expected.add(s);
            }
            for (TestClient c : List.of(jo, kim)) {
                Set<Long> seqs = new TreeSet<>();
                List<String> texts = new ArrayList<>();
                for (int n = 0; n < 2 * each; n++) {
                    MessageLite m = c.next();
                    while (!(m instanceof DirectMessageNotify) && !(m instanceof ErrorNotify)) {
                        m = c.next();
                    }
                    DirectMessageNotify d = assertInstanceOf(DirectMessageNotify.class, m, "no refusal: " + m);
                    assertTrue(seqs.add(d.getSeq()), "seq " + d.getSeq() + " twice");
                    texts.add(d.getText());
                }
                assertEquals(expected, seqs, "seqs 1.." + 2 * each + " each once");
                assertEquals(2 * each, new TreeSet<>(texts).size());
            }
        }
    }

    @Test
    void aBlockedWordsReloadThroughOneNodesApiReloadsTheOtherNode() throws Exception {
        try (TestClient nia = b.login("nia9")) {
            Chat.createRoom(nia, "words-room");
            Files.writeString(words, "zyzzyva\nfrobnicate\n");
            assertEquals(200, api(a, "POST", "/api/v1/blocked-words/reload", null).statusCode());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String text = "frobnicate";
            for (int i = 1; text.equals("frobnicate"); i++) {
                assertTrue(System.nanoTime() < end, "node b did not reload the blocked words within 10 s");
                Chat.say(nia, "frobnicate", i);
                text = nia.expectSkipping(ChatNotify.class).getText();
                if (text.equals("frobnicate")) {
                    Thread.sleep(50);
                }
            }
            assertFalse(text.contains("frobnicate"), "masked on node b: " + text);
        }
    }

    @Test
    void theApiListsThePlayersOfBothNodes() throws Exception {
        try (TestClient lea = a.login("lea8"); TestClient max = b.login("max8")) {
            for (TestServer s : List.of(a, b)) {
                JsonNode online = new ObjectMapper().readTree(api(s, "GET", "/api/v1/players/online", null).body());
                List<String> names = new ArrayList<>();
                for (JsonNode p : online.get("players")) {
                    names.add(p.get("name").asText());
                    assertTrue(p.get("player_id").asLong() > 0, p.toString());
                }
                assertTrue(names.contains("lea8") && names.contains("max8"), "both nodes' players: " + names);
                assertEquals(names.size(), new TreeSet<>(names).size(), "each once: " + names);
                assertEquals(names.size(), online.get("count").asInt());
            }
            assertFalse(a.server().cluster().presence().players().stream().anyMatch(p -> p.name().equals("max8")),
                    "presence.players() stays this node's");
        }
    }

    private static long applied(TestServer s) {
        return s.server().cluster().moderation().applied();
    }

    private static HttpResponse<String> api(TestServer s, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server().adminAddress().getPort()
                        + path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
