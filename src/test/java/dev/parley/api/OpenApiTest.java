package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.server.ParleyServer;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.parley.api.ServerApiTest.KEY;
import static dev.parley.api.ServerApiTest.JSON;
import static dev.parley.api.ServerApiTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/openapi.json against the real server: it lists exactly the routes the server serves, and
 * each operation, called with its documented example, answers its documented success status
 * with the documented required fields.
 */
@ExtendWith(LeakCheckExtension.class)
class OpenApiTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentMatchesTheServer() throws Exception {
        JsonNode doc = JSON.readTree(Path.of("docs/openapi.json").toFile());
        Path keys = dir.resolve("api.key");
        Files.writeString(keys, KEY + "\n");
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "badword\n");
        try (TestServer s = TestServer.start(dir.resolve("data"), c -> c.apiKeyFile(keys).blockedWordsFile(words)
                .permanentRooms(List.of("lobby")));
             // the player the /players/{name}/... examples act on: in the room, so it can be kicked
             TestClient player = s.login("alice")) {
            long room = JSON.readTree(call(s, "GET", "/api/v1/rooms", KEY, null).body())
                    .get("rooms").get(0).get("room_id").asLong();
            player.send(JoinRoomRequest.newBuilder().setRoomId(room).build());

            List<String[]> operations = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> p = paths.next();
                for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
                    String m = methods.next();
                    if (!m.equals("parameters")) {
                        operations.add(new String[]{m.toUpperCase(), p.getKey()});
                    }
                }
            }
            TreeSet<String> documented = new TreeSet<>();
            operations.forEach(o -> documented.add(o[0] + " " + o[1]));
            assertEquals(new TreeSet<>(serverRoutes(s.server())), documented, "docs/openapi.json vs the server's routes");

            // deletes last, the room's removal the very last, so the calls before find what they delete;
            // the message deleted is the one the POST of a message posted
            operations.sort(Comparator.comparing((String[] o) -> o[0].equals("DELETE"))
                    .thenComparing(o -> o[1].equals("/api/v1/rooms/{room_id}")));
            long seq = 0;
            for (String[] o : operations) {
                JsonNode op = doc.get("paths").get(o[1]).get(o[0].toLowerCase());
                JsonNode example = op.at("/requestBody/content/application~1json/example");
                String path = o[1].replace("{room_id}", Long.toString(room)).replace("{seq}", Long.toString(seq))
                        .replace("{name}", "alice");
                if (example.isObject() && example.has("room_id") && example.get("room_id").asLong() != 0) {
                    ((ObjectNode) example).put("room_id", room); // the examples' room 1 is the test's room
                }
                HttpResponse<String> r = call(s, o[0], path, KEY, example.isMissingNode() ? null : example.toString());
                String what = o[0] + " " + o[1] + ": " + r.body();
                String success = null;
                for (Iterator<String> codes = op.get("responses").fieldNames(); codes.hasNext(); ) {
                    String code = codes.next();
                    if (code.startsWith("2")) {
                        success = code;
                    }
                }
                assertNotNull(success, what + " documents no success status");
                assertEquals(Integer.parseInt(success), r.statusCode(), what);
                JsonNode schema = resolve(doc, op.at("/responses/" + success + "/content/application~1json/schema"));
                JsonNode body = JSON.readTree(r.body());
                if (o[0].equals("POST") && body.has("seq")) {
                    seq = body.get("seq").asLong();
                }
                for (JsonNode field : schema.get("required")) {
                    assertTrue(body.has(field.asText()), what + " lacks " + field.asText());
                }
            }
        }
    }

    /** The routes the server serves, as "METHOD /path". */
    static List<String> serverRoutes(ParleyServer server) {
        return server.api().describe();
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        return ref == null ? schema : doc.at(ref.asText().substring(1));
    }
}
