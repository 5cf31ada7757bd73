package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.content.BlockedWords;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server API over loopback against a real server: keys, every endpoint, errors, audit, a slow client. */
@ExtendWith(LeakCheckExtension.class)
class ServerApiTest {

    static final String KEY = "test-key-0123456789abcdef";
    static final String OLD_KEY = "old-key-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    TestServer start(Consumer<dev.parley.server.ServerConfig.Builder> tweak) throws Exception {
        return startIn(dir, tweak);
    }

    /** A server under {@code dir} with the API on, its keys {@link #KEY} and {@link #OLD_KEY}. */
    static TestServer startIn(Path dir, Consumer<dev.parley.server.ServerConfig.Builder> tweak) throws Exception {
        Path keys = dir.resolve("api.key");
        if (!Files.exists(keys)) {
            Files.writeString(keys, "# rotated in\n" + KEY + "\n" + OLD_KEY + "\n");
        }
        return TestServer.start(dir.resolve("data"), c -> {
            c.apiKeyFile(keys);
            tweak.accept(c);
        });
    }

    static HttpResponse<String> call(TestServer s, String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server().adminAddress().getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String error) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, json(r).get("error").asText(), r.body());
        assertFalse(json(r).get("reason").asText().isEmpty());
    }

    @Test
    void everyRouteRefusesAMissingOrWrongKeyAndCountsIt() throws Exception {
        try (TestServer s = start(c -> { })) {
            for (String route : routes(s)) {
                String[] mp = route.split(" ");
                String path = mp[1].replace("{room_id}", "1").replace("{seq}", "1").replace("{name}", "alice");
                assertError(call(s, mp[0], path, null, "{}"), 401, "unauthorized");
                assertError(call(s, mp[0], path, "wrong-key-0123456789abcdef", "{}"), 401, "unauthorized");
            }
            double refused = s.server().meterRegistry().get("parley.api.requests").tag("outcome", "unauthorized")
                    .counter().count();
            assertEquals(2.0 * routes(s).size(), refused);
            // both keys of the file work: rotation
            assertEquals(200, call(s, "GET", "/api/v1/rooms", KEY, null).statusCode());
            assertEquals(200, call(s, "GET", "/api/v1/rooms", OLD_KEY, null).statusCode());
        }
    }

    static List<String> routes(TestServer s) {
        List<String> routes = s.server().api().describe();
        assertEquals(17, routes.size(), routes.toString());
        return routes;
    }

    @Test
    void withoutAKeyFileTheApiIsOff() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"))) {
            assertError(call(s, "GET", "/api/v1/rooms", KEY, null), 404, "api_off");
        }
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        try (TestServer s = start(c -> { })) {
            assertError(call(s, "GET", "/api/v1/nothing", KEY, null), 404, "not_found");
            assertError(call(s, "PUT", "/api/v1/rooms", KEY, "{}"), 405, "method_not_allowed");
            assertError(call(s, "POST", "/api/v1/rooms", KEY, "{not json"), 400, "bad_request");
            assertError(call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": 7}"), 400, "bad_request");
            assertError(call(s, "POST", "/api/v1/rooms/abc/messages", KEY, "{\"text\":\"hi\"}"), 400, "bad_request");
            assertError(call(s, "POST", "/api/v1/rooms/999/messages", KEY, "{\"text\":\"hi\"}"), 404, "not_found");
            assertError(call(s, "GET", "/api/v1/rooms/999/members", KEY, null), 404, "not_found");
            String big = "{\"text\":\"" + "x".repeat(ApiServer.MAX_BODY_BYTES) + "\"}";
            assertError(call(s, "POST", "/api/v1/rooms/1/messages", KEY, big), 413, "too_large");
            assertError(call(s, "GET", "/api/v1/audit?limit=0", KEY, null), 400, "bad_request");
            assertError(call(s, "POST", "/api/v1/blocked-words/reload", KEY, null), 400, "bad_request");
        }
    }

    @Test
    void aDeleteIsANumberedEventThatMembersSeeAndTheAuditLogRecords() throws Exception {
        try (TestServer s = start(c -> c.permanentRooms(List.of("lobby")));
             TestClient alice = s.login("alice")) {
            long room = Chat.room(alice, "lobby").getRoomId();
            Chat.join(alice, room);
            Chat.say(alice, "cheat code: xyzzy", 1);
            long seq = Chat.receive(alice, 1).get(0).getSeq();

            HttpResponse<String> r = call(s, "DELETE", "/api/v1/rooms/" + room + "/messages/" + seq + "?reason=spoiler",
                    KEY, null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(seq + 1, json(r).get("seq").asLong());
            assertEquals(seq, json(r).get("target_seq").asLong());
            ChatNotify event = Chat.receive(alice, 1).get(0);
            assertEquals(ChatKind.CHAT_KIND_DELETE, event.getKind());
            assertEquals(seq, event.getTargetSeq());
            assertEquals(seq + 1, event.getSeq());
            assertEquals("", event.getText());
            assertEquals(0, event.getSender().getPlayerId());

            ChatNotify tombstone = Chat.history(alice, room, null, null, 10).getMessages(0);
            assertEquals(seq, tombstone.getSeq());
            assertEquals(ChatKind.CHAT_KIND_DELETE, tombstone.getKind());
            assertEquals("", tombstone.getText());

            JsonNode audit = awaitAudit(s, 1).get("entries").get(0);
            assertEquals("message.delete", audit.get("action").asText());
            assertEquals("room:" + room + "/seq:" + seq, audit.get("target").asText());
            assertEquals("spoiler", audit.get("reason").asText());

            // deleted already, never used, not a number, no room
            assertError(call(s, "DELETE", "/api/v1/rooms/" + room + "/messages/" + seq, KEY, null), 404, "not_found");
            assertError(call(s, "DELETE", "/api/v1/rooms/" + room + "/messages/999", KEY, null), 404, "not_found");
            assertError(call(s, "DELETE", "/api/v1/rooms/" + room + "/messages/abc", KEY, null), 400, "bad_request");
            assertError(call(s, "DELETE", "/api/v1/rooms/999/messages/1", KEY, null), 404, "not_found");
            assertEquals(1.0, deletes(s, "ok"));
            assertEquals(2.0, deletes(s, "message_not_found"));
            assertEquals(1.0, deletes(s, "room_not_found"));
        }
    }

    /** {@code parley.moderation.actions} of the API's deletes. */
    private static double deletes(TestServer s, String result) {
        return s.server().meterRegistry().get("parley.moderation.actions").tag("action", "delete").tag("source", "api")
                .tag("result", result).counter().count();
    }

    @Test
    void aSystemMessageIsNumberedDeliveredStoredAndAudited() throws Exception {
        long room;
        try (TestServer s = start(c -> c.permanentRooms(List.of("lobby")));
             TestClient alice = s.login("alice")) {
            room = Chat.room(alice, "lobby").getRoomId();
            Chat.join(alice, room);
            Chat.say(alice, "hello", 1);
            assertEquals(1, Chat.receive(alice, 1).get(0).getSeq());

            HttpResponse<String> r = call(s, "POST", "/api/v1/rooms/" + room + "/messages", KEY,
                    "{\"text\": \"Server restarts in 5 minutes\", \"sender\": \"Ops\"}");
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(2, json(r).get("seq").asLong());
            assertEquals(room, json(r).get("room_id").asLong());
            ChatNotify n = Chat.receive(alice, 1).get(0);
            assertEquals(2, n.getSeq());
            assertEquals(ChatKind.CHAT_KIND_SYSTEM, n.getKind());
            assertEquals("Ops", n.getSender().getName());
            assertEquals(0, n.getSender().getPlayerId());
            assertEquals("Server restarts in 5 minutes", n.getText());

            // validated like chat
            assertError(call(s, "POST", "/api/v1/rooms/" + room + "/messages", KEY, "{\"text\": \"\"}"), 400, "bad_request");
            assertError(call(s, "POST", "/api/v1/rooms/" + room + "/messages", KEY,
                    "{\"text\": \"" + "y".repeat(5000) + "\"}"), 400, "bad_request");

            JsonNode members = json(call(s, "GET", "/api/v1/rooms/" + room + "/members", KEY, null));
            assertEquals("alice", members.get("members").get(0).get("name").asText());
            JsonNode online = json(call(s, "GET", "/api/v1/players/online", KEY, null));
            assertEquals(1, online.get("count").asInt());
            assertEquals("alice", online.get("players").get(0).get("name").asText());
            JsonNode rooms = json(call(s, "GET", "/api/v1/rooms", KEY, null)).get("rooms");
            assertEquals("lobby", rooms.get(0).get("name").asText());
            assertEquals(1, rooms.get(0).get("members").asInt());
            assertTrue(rooms.get(0).get("permanent").asBoolean());

            JsonNode audit = awaitAudit(s, 1).get("entries").get(0);
            assertEquals("room.message", audit.get("action").asText());
            assertEquals("api", audit.get("role").asText());
            assertEquals(ApiKeys.id(KEY), audit.get("actor").asText());
            assertEquals("room:" + room, audit.get("target").asText());
        }
        // back from the database after a restart, with its kind
        try (TestServer s = start(c -> c.permanentRooms(List.of("lobby")));
             TestClient bob = s.login("bob")) {
            JoinRoomResponse joined = Chat.join(bob, room);
            ChatNotify stored = joined.getRecentList().get(1);
            assertEquals(2, stored.getSeq());
            assertEquals(ChatKind.CHAT_KIND_SYSTEM, stored.getKind());
            assertEquals(ChatKind.CHAT_KIND_MESSAGE, joined.getRecentList().get(0).getKind());
        }
    }

    @Test
    void permanentRoomsAreCreatedAndRemoved() throws Exception {
        try (TestServer s = start(c -> { });
             TestClient alice = s.login("alice")) {
            HttpResponse<String> r = call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": \"arena\", \"max_members\": 10}");
            assertEquals(201, r.statusCode(), r.body());
            long room = json(r).get("room_id").asLong();
            assertEquals(10, json(r).get("max").asInt());
            assertTrue(json(r).get("permanent").asBoolean());
            assertError(call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": \"Arena\"}"), 409, "conflict");
            assertError(call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": \"x\", \"max_members\": 1}"), 400, "bad_request");

            assertEquals(Result.OK, Chat.join(alice, room).getResult());
            HttpResponse<String> gone = call(s, "DELETE", "/api/v1/rooms/" + room, KEY, null);
            assertEquals(200, gone.statusCode(), gone.body());
            ErrorNotify notice = alice.expectSkipping(ErrorNotify.class);
            assertEquals(Result.ROOM_NOT_FOUND, notice.getResult());
            assertError(call(s, "DELETE", "/api/v1/rooms/" + room, KEY, null), 404, "not_found");
            assertTrue(json(call(s, "GET", "/api/v1/rooms", KEY, null)).get("rooms").isEmpty());
            // alice is out of the room: she may create another
            long other = Chat.createRoom(alice, "after");
            assertError(call(s, "DELETE", "/api/v1/rooms/" + other, KEY, null), 409, "conflict");

            JsonNode entries = awaitAudit(s, 2).get("entries");
            assertEquals("room.remove", entries.get(0).get("action").asText());
            assertEquals("room.create", entries.get(1).get("action").asText());
            // paging
            JsonNode page = json(call(s, "GET", "/api/v1/audit?limit=1", KEY, null));
            assertEquals(1, page.get("entries").size());
            long next = page.get("next_before_id").asLong();
            JsonNode older = json(call(s, "GET", "/api/v1/audit?limit=1&before_id=" + next, KEY, null));
            assertEquals("room.create", older.get("entries").get(0).get("action").asText());
        }
    }

    @Test
    void blockedWordsAreMaskedOrRefusedAndReloaded() throws Exception {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "# test list\nbadword\n");
        try (TestServer s = start(c -> c.blockedWordsFile(words).blockedWordsMode(BlockedWords.Mode.MASK));
             TestClient alice = s.login("alice")) {
            Chat.createRoom(alice, "r");
            Chat.say(alice, "a badword here", 1);
            assertEquals("a ******* here", Chat.receive(alice, 1).get(0).getText());
            Chat.say(alice, "a BАDWORD here", 2); // Cyrillic А
            assertEquals("a ******* here", Chat.receive(alice, 1).get(0).getText());
            Chat.say(alice, "newword", 3);
            assertEquals("newword", Chat.receive(alice, 1).get(0).getText());

            Files.writeString(words, "badword\nnewword\n");
            HttpResponse<String> r = call(s, "POST", "/api/v1/blocked-words/reload", KEY, null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2, json(r).get("words").asInt());
            Chat.say(alice, "newword", 4);
            assertEquals("*******", Chat.receive(alice, 1).get(0).getText());

            Files.writeString(words, "two words\n");
            assertError(call(s, "POST", "/api/v1/blocked-words/reload", KEY, null), 400, "bad_request");
            Chat.say(alice, "newword", 5);
            assertEquals("*******", Chat.receive(alice, 1).get(0).getText()); // the old list stays
            assertEquals(4.0, s.server().meterRegistry().get("parley.content.blocked.words").functionCounter().count());
            assertEquals("blocked_words.reload", awaitAudit(s, 1).get("entries").get(0).get("action").asText());
        }
    }

    @Test
    void refuseModeRefusesChatWithABlockedWord() throws Exception {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "badword\n");
        try (TestServer s = start(c -> c.blockedWordsFile(words).blockedWordsMode(BlockedWords.Mode.REFUSE));
             TestClient alice = s.login("alice")) {
            Chat.createRoom(alice, "r");
            Chat.say(alice, "so Ｂａｄｗｏｒｄ", 1); // full-width
            ErrorNotify e = alice.expectSkipping(ErrorNotify.class);
            assertEquals(Result.INVALID_REQUEST, e.getResult());
            assertEquals(1, e.getClientMsgId());
            Chat.say(alice, "fine", 2);
            ChatNotify n = Chat.receive(alice, 1).get(0);
            assertEquals(1, n.getSeq()); // the refused text used no seq
            assertEquals("fine", n.getText());
        }
    }

    @Test
    void aSlowClientDoesNotStallOtherCalls() throws Exception {
        try (TestServer s = start(c -> { })) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket sock = new Socket("127.0.0.1", s.server().adminAddress().getPort());
                    OutputStream out = sock.getOutputStream();
                    out.write(("POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                            + "\r\nContent-Length: 100\r\n\r\n{\"na").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    slow.add(sock);
                }
                long start = System.nanoTime();
                assertEquals(200, call(s, "GET", "/api/v1/rooms", KEY, null).statusCode());
                assertEquals(200, call(s, "GET", "/metrics", null, null).statusCode());
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "calls waited for the slow client");
            } finally {
                for (Socket sock : slow) {
                    sock.close();
                }
            }
        }
    }

    /** The audit log once it holds at least {@code n} entries (they are stored off the admin thread). */
    static JsonNode awaitAudit(TestServer s, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode doc = json(call(s, "GET", "/api/v1/audit", KEY, null));
            if (doc.get("entries").size() >= n || System.nanoTime() > deadline) {
                return doc;
            }
            Thread.sleep(20);
        }
    }
}
