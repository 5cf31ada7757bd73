package dev.parley.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.account.DevTokens;
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
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    @Test
    void theBansAndMutesInForceAreListedWithWhoAndWhyAndOutliveARestart() throws Exception {
        String by = ApiKeys.id(KEY);
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0).admins(List.of("boss")));
             TestClient boss = s.login("boss"); TestClient bob = s.login("bob")) {
            s.login("carol").close(); // carol has an account and is offline
            for (String path : List.of("/api/v1/bans", "/api/v1/mutes")) {
                assertError(call(s, "GET", path, null, null), 401, "unauthorized");
                assertError(call(s, "GET", path, "wrong-key-0123456789abcdef", null), 401, "unauthorized");
                JsonNode none = json(call(s, "GET", path, KEY, null));
                assertThat(none.get("count").asInt()).isZero();
            }
            long before = System.currentTimeMillis();
            assertThat(call(s, "POST", "/api/v1/players/Carol/ban", KEY, "{\"reason\": \"cheat\"}").statusCode())
                    .isEqualTo(200);
            assertThat(call(s, "POST", "/api/v1/players/bob/ban", KEY, "{\"duration_s\": 3600}").statusCode())
                    .isEqualTo(200);
            assertThat(call(s, "POST", "/api/v1/players/carol/mute", KEY,
                    "{\"room_id\": 5, \"duration_s\": 60, \"reason\": \"spam\"}").statusCode()).isEqualTo(200);
            boss.send(MuteRequest.newBuilder().setName("carol").setDurationS(120).setReason("flood").build());
            assertThat(boss.expect(MuteResponse.class).getResult()).isEqualTo(Result.OK);

            JsonNode bans = json(call(s, "GET", "/api/v1/bans", KEY, null));
            assertThat(bans.get("count").asInt()).isEqualTo(2);
            JsonNode bobs = bans.get("bans").get(0);
            JsonNode carols = bans.get("bans").get(1);
            assertThat(bobs.get("name").asText()).isEqualTo("bob");
            assertThat(bobs.get("permanent").asBoolean()).isFalse();
            assertThat(bobs.get("until_ms").asLong()).isBetween(before + 3_600_000, System.currentTimeMillis() + 3_600_000);
            assertThat(bobs.get("reason").asText()).isEmpty();
            assertThat(bobs.get("by").asText()).isEqualTo(by);
            assertThat(carols.get("name").asText()).isEqualTo("carol");
            assertThat(carols.get("permanent").asBoolean()).isTrue();
            assertThat(carols.get("until_ms").isNull()).isTrue();
            assertThat(carols.get("reason").asText()).isEqualTo("cheat");

            JsonNode mutes = json(call(s, "GET", "/api/v1/mutes", KEY, null));
            assertThat(mutes.get("count").asInt()).isEqualTo(2);
            JsonNode everywhere = mutes.get("mutes").get(0);
            assertThat(everywhere.get("name").asText()).isEqualTo("carol");
            assertThat(everywhere.get("room_id").asLong()).isZero();
            assertThat(everywhere.get("reason").asText()).isEqualTo("flood");
            assertThat(everywhere.get("by").asText()).isEqualTo("boss");
            assertThat(everywhere.get("until_ms").asLong()).isGreaterThanOrEqualTo(before + 120_000);
            JsonNode inRoom = mutes.get("mutes").get(1);
            assertThat(inRoom.get("room_id").asLong()).isEqualTo(5);
            assertThat(inRoom.get("by").asText()).isEqualTo(by);

            // lifted ones are gone at once
            assertThat(call(s, "DELETE", "/api/v1/players/bob/ban", KEY, null).statusCode()).isEqualTo(200);
            assertThat(call(s, "POST", "/api/v1/players/carol/mute", KEY, "{\"room_id\": 5, \"duration_s\": 0}")
                    .statusCode()).isEqualTo(200);
            assertThat(json(call(s, "GET", "/api/v1/bans", KEY, null)).get("bans").findValuesAsText("name"))
                    .containsExactly("carol");
            assertThat(json(call(s, "GET", "/api/v1/mutes", KEY, null)).get("mutes").findValuesAsText("room_id"))
                    .containsExactly("0");
        }
        // stored (one write after the other): read back at start, with the players' names
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0))) {
            JsonNode bans = json(call(s, "GET", "/api/v1/bans", KEY, null)).get("bans");
            assertThat(bans.findValuesAsText("name")).containsExactly("carol");
            assertThat(bans.get(0).get("by").asText()).isEqualTo(by);
            JsonNode mutes = json(call(s, "GET", "/api/v1/mutes", KEY, null)).get("mutes");
            assertThat(mutes.findValuesAsText("name")).containsExactly("carol");
            assertThat(mutes.get(0).get("by").asText()).isEqualTo("boss");
        }
    }

    @Test
    void aPlayersRolesShowWhereEachComesFromItsTokensWhileOnline() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-api-roles";
        Path secretFile = dir.resolve("token-secret");
        Files.writeString(secretFile, secret + "\n");
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0).admins(List.of("boss"))
                .tokenHmacSecretFile(secretFile))) {
            try (TestClient mod = s.client()) {
                mod.send(LoginRequest.newBuilder().setToken(DevTokens.hs256(secret.getBytes(StandardCharsets.UTF_8),
                        "sub-mod", "mod", List.of("moderator", "vip"), null, null, Instant.now(), Duration.ofHours(1)))
                        .build());
                assertThat(mod.expect(LoginResponse.class).getResult()).isEqualTo(Result.OK);
                assertThat(call(s, "PUT", "/api/v1/players/mod/roles", KEY, "{\"roles\": [\"moderator\", \"admin\"]}")
                        .statusCode()).isEqualTo(200);
                JsonNode online = json(call(s, "GET", "/api/v1/players/mod/roles", KEY, null));
                assertThat(online.get("online").asBoolean()).isTrue();
                assertThat(online.get("roles").toString()).isEqualTo("[\"admin\",\"moderator\"]");
                assertThat(online.get("effective").toString()).as("vip decides nothing: not listed").isEqualTo(
                        "[{\"role\":\"admin\",\"sources\":[\"granted\"]},"
                                + "{\"role\":\"moderator\",\"sources\":[\"granted\",\"token\"]}]");
            }
            s.login("boss").close();
            awaitOffline(s, "mod");
            JsonNode offline = json(call(s, "GET", "/api/v1/players/mod/roles", KEY, null));
            assertThat(offline.get("online").asBoolean()).isFalse();
            assertThat(offline.get("effective").toString()).as("its token's roles are known only while online").isEqualTo(
                    "[{\"role\":\"admin\",\"sources\":[\"granted\"]},"
                            + "{\"role\":\"moderator\",\"sources\":[\"granted\"]}]");
            JsonNode boss = json(call(s, "GET", "/api/v1/players/boss/roles", KEY, null));
            assertThat(boss.get("roles")).isEmpty();
            assertThat(boss.get("effective").toString()).isEqualTo("[{\"role\":\"admin\",\"sources\":[\"admins\"]}]");
        }
    }

    @Test
    void mutesAnsweredJustBeforeAShutdownAreStoredBeforeItEnds() throws Exception {
        int n = 20;
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0).admins(List.of("boss")));
             TestClient boss = s.login("boss"); TestClient bob = s.login("bob")) {
            for (int room = 1; room <= n; room++) {
                boss.send(MuteRequest.newBuilder().setName("bob").setRoomId(room).setDurationS(3600).build());
            }
            for (int i = 0; i < n; i++) {
                assertThat(boss.expect(MuteResponse.class).getResult()).isEqualTo(Result.OK);
            }
            // every mute is in force and its store queued, one after the other: the close comes now
        }
        try (TestServer s = ServerApiTest.startIn(dir, c -> c.rateLimit(0))) {
            assertThat(json(call(s, "GET", "/api/v1/mutes", KEY, null)).get("count").asInt()).isEqualTo(n);
        }
    }

    /** Waits until the server no longer lists {@code name} online (a closed client is released on the server's loop). */
    private static void awaitOffline(TestServer s, String name) throws Exception {
        long end = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        while (json(call(s, "GET", "/api/v1/players/online", KEY, null)).get("players").findValuesAsText("name")
                .contains(name)) {
            assertThat(System.nanoTime()).as(name + " still online").isLessThan(end);
            Thread.sleep(10);
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
