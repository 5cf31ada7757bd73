package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.LeakCheckExtension;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.parley.api.ServerApiTest.KEY;
import static dev.parley.api.ServerApiTest.assertError;
import static dev.parley.api.ServerApiTest.call;
import static dev.parley.api.ServerApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Kick, mute, ban and unban through the server API, against a real server and real clients over loopback. */
@ExtendWith(LeakCheckExtension.class)
class ModerationApiTest {

    @TempDir
    Path dir;


    @Test
    void theApiKicksMutesBansAndUnbansAndAuditsEach() throws Exception {
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0)); TestClient alice = s.login("alice"); TestClient bob = s.login("bob")) {
            alice.send(CreateRoomRequest.newBuilder().setName("den").build());
            long room = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            assertThat(bob.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
            alice.expect(MemberJoinedNotify.class);

            assertThat(call(s, "POST", "/api/v1/players/bob/kick", KEY,
                    "{\"room_id\": " + room + ", \"reason\": \"spam\"}").statusCode()).isEqualTo(200);
            assertThat(bob.expect(MemberLeftNotify.class).getMember().getName()).isEqualTo("bob");
            assertError(call(s, "POST", "/api/v1/players/bob/kick", KEY, "{\"room_id\": " + room + "}"), 404, "not_found");
            assertError(call(s, "POST", "/api/v1/players/bob/kick", KEY, "{}"), 400, "bad_request");

            assertThat(call(s, "POST", "/api/v1/players/bob/mute", KEY, "{\"duration_s\": 60}").statusCode()).isEqualTo(200);
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            bob.expect(JoinRoomResponse.class);
            bob.send(ChatRequest.newBuilder().setText("hi").build());
            ErrorNotify muted = bob.expect(ErrorNotify.class);
            assertThat(muted.getResult()).isEqualTo(Result.MUTED);
            assertError(call(s, "POST", "/api/v1/players/bob/mute", KEY, "{\"duration_s\": -1}"), 400, "bad_request");

            assertError(call(s, "POST", "/api/v1/players/nobody/ban", KEY, "{}"), 404, "not_found");
            assertThat(call(s, "POST", "/api/v1/players/bob/ban", KEY, "{\"reason\": \"cheat\"}").statusCode())
                    .isEqualTo(200);
            assertThat(bob.expectSkipping(ErrorNotify.class).getResult()).isEqualTo(Result.BANNED);
            assertThat(bob.awaitClosed(TestClient.TIMEOUT)).isTrue();
            try (TestClient again = s.client()) {
                assertThat(again.login("bob", "pw-bob").getResult()).isEqualTo(Result.BANNED);
            }
            assertThat(call(s, "DELETE", "/api/v1/players/bob/ban", KEY, null).statusCode()).isEqualTo(200);
            try (TestClient again = s.client()) {
                assertThat(again.login("bob", "pw-bob").getResult()).isEqualTo(Result.OK);
            }

            JsonNode audit = json(call(s, "GET", "/api/v1/audit", KEY, null));
            List<String> actions = new ArrayList<>();
            for (JsonNode e : audit.get("entries")) {
                actions.add(e.get("action").asText());
                assertThat(e.get("role").asText()).isEqualTo("api");
            }
            assertThat(actions).containsExactly("unban", "ban", "mute", "kick");
        }
    }
}
