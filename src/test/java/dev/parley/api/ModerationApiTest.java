package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.pb.BanRequest;
import dev.parley.protocol.pb.BanResponse;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.AdminHttp;
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

/** Kick, mute, ban, unban and players' roles through the server API, against a real server and real clients over loopback. */
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

            assertThat(actions(s, "kick", "ok")).isEqualTo(1);
            assertThat(actions(s, "kick", "not_in_room")).isEqualTo(1);
            assertThat(actions(s, "mute", "ok")).isEqualTo(1);
            assertThat(actions(s, "ban", "ok")).isEqualTo(1);
            assertThat(actions(s, "ban", "player_not_found")).isEqualTo(1);
            assertThat(actions(s, "unban", "ok")).isEqualTo(1);
            assertThat(actions(s, "kick", "not_allowed")).isZero();
            String scrape = AdminHttp.get(s, "/metrics").body();
            assertThat(scrape).contains("parley_moderation_actions_total{action=\"ban\",result=\"ok\",source=\"api\"} 1.0");
        }
    }

    /** {@code parley.moderation.actions} of the server API's calls. */
    private static double actions(TestServer s, String action, String result) {
        return s.server().meterRegistry().get("parley.moderation.actions").tag("action", action).tag("source", "api")
                .tag("result", result).counter().count();
    }

    private static Result kick(TestClient by, long room, String name) {
        by.send(KickRequest.newBuilder().setRoomId(room).setName(name).build());
        return by.expectSkipping(KickResponse.class).getResult();
    }

    private static Result mute(TestClient by, String name) {
        by.send(MuteRequest.newBuilder().setName(name).setDurationS(60).build());
        return by.expectSkipping(MuteResponse.class).getResult();
    }

    @Test
    void rolesGivenThroughTheApiApplyAtOnceAreTakenAwayAuditedAndOutliveARestart() throws Exception {
        long room;
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0)); TestClient carol = s.login("carol");
             TestClient bob = s.login("bob"); TestClient alice = s.login("alice")) {
            alice.send(CreateRoomRequest.newBuilder().setName("den").build());
            room = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            assertThat(bob.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(kick(carol, room, "bob")).isEqualTo(Result.NOT_ALLOWED);

            assertError(call(s, "PUT", "/api/v1/players/carol/roles", KEY, "{\"roles\": [\"owner\"]}"), 400, "bad_request");
            assertError(call(s, "PUT", "/api/v1/players/carol/roles", KEY, "{\"roles\": \"moderator\"}"), 400, "bad_request");
            assertError(call(s, "PUT", "/api/v1/players/nobody/roles", KEY, "{\"roles\": []}"), 404, "not_found");
            assertThat(json(call(s, "GET", "/api/v1/players/carol/roles", KEY, null)).get("roles")).isEmpty();
            assertThat(call(s, "PUT", "/api/v1/players/carol/roles", KEY, "{\"roles\": [\"moderator\"]}").statusCode())
                    .isEqualTo(200);
            JsonNode roles = json(call(s, "GET", "/api/v1/players/carol/roles", KEY, null));
            assertThat(roles.get("name").asText()).isEqualTo("carol");
            assertThat(roles.get("roles").toString()).isEqualTo("[\"moderator\"]");
            // carol is online: her session's next decisions see the role, no new login needed
            assertThat(kick(carol, room, "bob")).isEqualTo(Result.OK);
            assertThat(mute(carol, "bob")).isEqualTo(Result.OK);
            bob.send(BanRequest.newBuilder().setName("alice").build());
            assertThat(bob.expectSkipping(BanResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);

            assertThat(call(s, "PUT", "/api/v1/players/carol/roles", KEY, "{\"roles\": []}").statusCode()).isEqualTo(200);
            assertThat(mute(carol, "bob")).isEqualTo(Result.NOT_ALLOWED);
            assertThat(call(s, "PUT", "/api/v1/players/carol/roles", KEY, "{\"roles\": [\"moderator\"]}").statusCode())
                    .isEqualTo(200);

            JsonNode audit = json(call(s, "GET", "/api/v1/audit", KEY, null));
            List<String> given = new ArrayList<>();
            for (JsonNode e : audit.get("entries")) {
                if (e.get("action").asText().equals("roles")) {
                    assertThat(e.get("target").asText()).isEqualTo("carol");
                    given.add(e.get("reason").asText());
                }
            }
            assertThat(given).containsExactly("moderator", "none", "moderator");
        }
        // the role is stored (one write after the other, on the blocking pool): it outlives a restart
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0)); TestClient carol = s.login("carol");
             TestClient bob = s.login("bob")) {
            assertThat(json(call(s, "GET", "/api/v1/players/carol/roles", KEY, null)).get("roles").toString())
                    .isEqualTo("[\"moderator\"]");
            assertThat(mute(carol, "bob")).isEqualTo(Result.OK);
        }
    }
}
