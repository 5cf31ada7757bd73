package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.testing.BackendContract;
import dev.parley.testing.Chat;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.parley.api.ServerApiTest.KEY;
import static dev.parley.api.ServerApiTest.call;
import static dev.parley.api.ServerApiTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the server API stores, on each database (V9): a system message's kind in the chat log,
 * read back through history after a restart, and the audit log, paged newest first.
 */
@ExtendWith(LeakCheckExtension.class)
abstract class ApiStoreContract extends BackendContract {

    private TestServer startWithApi() throws Exception {
        Path keys = dir.resolve("api.key");
        Files.writeString(keys, KEY + "\n");
        return start(c -> c.apiKeyFile(keys).permanentRooms(List.of("lobby")));
    }

    @Test
    void aSystemMessageComesBackFromTheDatabaseWithItsKind() throws Exception {
        long room;
        try (TestServer s = startWithApi(); TestClient alice = s.login("alice")) {
            room = Chat.room(alice, "lobby").getRoomId();
            Chat.join(alice, room);
            Chat.say(alice, "hi", 1);
            Chat.receive(alice, 1);
            HttpResponse<String> r = call(s, "POST", "/api/v1/rooms/" + room + "/messages", KEY, "{\"text\": \"maintenance\"}");
            assertEquals(201, r.statusCode(), r.body());
        }
        // a fresh server has only the database: its history pages come from there
        try (TestServer s = startWithApi(); TestClient bob = s.login("bob")) {
            List<ChatNotify> all = Chat.all(bob, room);
            assertEquals(2, all.size());
            assertEquals(ChatKind.CHAT_KIND_MESSAGE, all.get(0).getKind());
            assertEquals(ChatKind.CHAT_KIND_SYSTEM, all.get(1).getKind());
            assertEquals("Server", all.get(1).getSender().getName());
            assertEquals(0, all.get(1).getSender().getPlayerId());
        }
    }

    @Test
    void aRoomTheApiCreatedIsOpenedAgainAfterARestartUntilTheApiRemovesIt() throws Exception {
        long arena;
        try (TestServer s = startWithApi()) {
            arena = json(call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": \"arena\"}")).get("room_id").asLong();
            assertEquals(201, call(s, "POST", "/api/v1/rooms/" + arena + "/messages", KEY, "{\"text\": \"one\"}").statusCode());
        }
        try (TestServer s = startWithApi()) {
            JsonNode rooms = json(call(s, "GET", "/api/v1/rooms", KEY, null)).get("rooms");
            assertEquals(2, rooms.size(), rooms.toString());
            assertEquals(arena, rooms.get(1).get("room_id").asLong());
            HttpResponse<String> next = call(s, "POST", "/api/v1/rooms/" + arena + "/messages", KEY, "{\"text\": \"two\"}");
            assertEquals(2, json(next).get("seq").asLong()); // continues its seq
            assertEquals(200, call(s, "DELETE", "/api/v1/rooms/" + arena, KEY, null).statusCode());
        }
        try (TestServer s = startWithApi()) {
            JsonNode rooms = json(call(s, "GET", "/api/v1/rooms", KEY, null)).get("rooms");
            assertEquals(1, rooms.size(), rooms.toString());
            assertEquals("lobby", rooms.get(0).get("name").asText());
        }
    }

    @Test
    void auditEntriesAreStoredAndPagedNewestFirst() throws Exception {
        try (TestServer s = startWithApi()) {
            for (String name : List.of("a1", "a2", "a3")) {
                assertEquals(201, call(s, "POST", "/api/v1/rooms", KEY, "{\"name\": \"" + name + "\"}").statusCode());
            }
            JsonNode all = ServerApiTest.awaitAudit(s, 3);
            assertEquals(3, all.get("entries").size());
            JsonNode first = json(call(s, "GET", "/api/v1/audit?limit=2", KEY, null));
            assertEquals("a3", first.get("entries").get(0).get("reason").asText());
            assertEquals("a2", first.get("entries").get(1).get("reason").asText());
            JsonNode rest = json(call(s, "GET", "/api/v1/audit?limit=2&before_id="
                    + first.get("next_before_id").asLong(), KEY, null));
            assertEquals(1, rest.get("entries").size());
            assertEquals("a1", rest.get("entries").get(0).get("reason").asText());
            assertEquals(ApiKeys.id(KEY), rest.get("entries").get(0).get("actor").asText());
        }
    }
}
