package dev.parley.server;

import dev.parley.account.DevTokens;
import dev.parley.protocol.pb.BanRequest;
import dev.parley.protocol.pb.BanResponse;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.KickRequest;
import dev.parley.protocol.pb.KickResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.MuteRequest;
import dev.parley.protocol.pb.MuteResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.UnbanRequest;
import dev.parley.protocol.pb.UnbanResponse;
import dev.parley.store.AuditLog;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kicks, mutes and bans end to end: real clients over loopback against a real server, the staff role
 * given by {@code --admins} (token roles are the same check, see moderation.PermissionsTest).
 */
class ModerationFlowTest {

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<ServerConfig.Builder> tweak) throws Exception {
        server = TestServer.start(dir, c -> {
            c.rateLimit(0).admins(List.of("Boss"));
            tweak.accept(c);
        });
    }

    /** {@code owner} creates a room that {@code guest} joins; returns its id, all notices consumed. */
    private static long roomWith(TestClient owner, TestClient guest) {
        owner.send(CreateRoomRequest.newBuilder().setName("den").build());
        long id = owner.expect(CreateRoomResponse.class).getRoom().getRoomId();
        guest.send(JoinRoomRequest.newBuilder().setRoomId(id).build());
        assertThat(guest.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
        owner.expect(MemberJoinedNotify.class);
        return id;
    }

    private static KickResponse kick(TestClient by, long roomId, String name) {
        by.send(KickRequest.newBuilder().setRoomId(roomId).setName(name).setReason("be nice").build());
        return by.expectSkipping(KickResponse.class); // a kicker in the room sees the MemberLeftNotify too
    }

    private static MuteResponse mute(TestClient by, long roomId, String name, int seconds) {
        by.send(MuteRequest.newBuilder().setRoomId(roomId).setName(name).setDurationS(seconds).setReason("spam").build());
        return by.expect(MuteResponse.class);
    }

    @Test
    void anAdminKicksFromAnyRoomEveryoneSeesItAndTheKickedMayRejoin() throws Exception {
        start(c -> { });
        long room;
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob");
             TestClient boss = server.login("boss")) {
            room = roomWith(alice, bob);
            assertThat(kick(boss, room, "BOB").getResult()).isEqualTo(Result.OK);
            MemberLeftNotify toBob = bob.expect(MemberLeftNotify.class);
            assertThat(toBob.getRoomId()).isEqualTo(room);
            assertThat(toBob.getMember().getName()).isEqualTo("bob");
            assertThat(alice.expect(MemberLeftNotify.class).getMember().getName()).isEqualTo("bob");
            bob.send(ChatRequest.newBuilder().setRoomId(room).setText("still here?").build());
            assertThat(bob.expect(ErrorNotify.class).getResult()).isEqualTo(Result.NOT_IN_ROOM);
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            assertThat(bob.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(kick(boss, room, "bob").getResult()).isEqualTo(Result.OK);
            assertThat(kick(boss, room, "bob").getResult()).isEqualTo(Result.NOT_IN_ROOM);
            assertThat(kick(boss, room, "nobody").getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(kick(boss, room + 1000, "alice").getResult()).isEqualTo(Result.ROOM_NOT_FOUND);
            assertThat(actions("kick", "ok")).isEqualTo(2);
            assertThat(actions("kick", "not_in_room")).isEqualTo(1);
            assertThat(actions("kick", "player_not_found")).isEqualTo(1);
            assertThat(actions("kick", "room_not_found")).isEqualTo(1);
        }
        List<AuditLog.Entry> entries = auditEntries(2);
        assertThat(entries).extracting(AuditLog.Entry::action).containsExactly("kick", "kick");
        assertThat(entries.get(0).target()).isEqualTo("bob from room " + room);
        assertThat(entries.get(0).actor()).isEqualTo("boss");
        assertThat(entries.get(0).role()).isEqualTo("admin");
        assertThat(entries.get(0).reason()).isEqualTo("be nice");
    }

    /** {@code parley.moderation.actions} of players' requests (counted before the response is sent). */
    private double actions(String action, String result) {
        return server.server().meterRegistry().get("parley.moderation.actions").tag("action", action)
                .tag("source", "protocol").tag("result", result).counter().count();
    }

    /** The audit log once it holds {@code count} entries (they are stored off the event loop), newest first. */
    private List<AuditLog.Entry> auditEntries(int count) throws Exception {
        AuditLog log = new AuditLog(server.server().database(), Runnable::run, System::currentTimeMillis);
        long end = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        List<AuditLog.Entry> entries = log.read(100, 0);
        while (entries.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
            entries = log.read(100, 0);
        }
        return entries;
    }

    @Test
    void aCreatorKicksInItsOwnRoomAPlainMemberMayNot() throws Exception {
        start(c -> { });
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            long room = roomWith(alice, bob);
            KickResponse refused = kick(bob, room, "alice");
            assertThat(refused.getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(refused.getReason()).isNotEmpty();
            assertThat(kick(alice, 0, "bob").getResult()).as("room 0: the creator's only room").isEqualTo(Result.OK);
            assertThat(bob.expect(MemberLeftNotify.class).getRoomId()).isEqualTo(room);
            assertThat(actions("kick", "not_allowed")).isEqualTo(1);
            assertThat(actions("kick", "ok")).isEqualTo(1);
        }
    }

    @Test
    void withCreatorModeratesOffACreatorMayNotKick() throws Exception {
        start(c -> c.creatorModerates(false));
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob")) {
            long room = roomWith(alice, bob);
            assertThat(kick(alice, room, "bob").getResult()).isEqualTo(Result.NOT_ALLOWED);
            bob.expectNothing(100);
        }
    }

    @Test
    void aMutedPlayersChatIsRefusedWithTheRemainingTimeUntilUnmuted() throws Exception {
        start(c -> { });
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob");
             TestClient boss = server.login("boss")) {
            long room = roomWith(alice, bob);
            assertThat(mute(alice, 0, "bob", 60).getResult()).as("a creator may not mute").isEqualTo(Result.NOT_ALLOWED);
            assertThat(mute(boss, 0, "nobody", 60).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(mute(boss, room, "bob", 60).getResult()).isEqualTo(Result.OK);
            bob.send(ChatRequest.newBuilder().setRoomId(room).setText("hi").setClientMsgId(5).build());
            ErrorNotify muted = bob.expect(ErrorNotify.class);
            assertThat(muted.getResult()).isEqualTo(Result.MUTED);
            assertThat(muted.getRequestType()).isEqualTo(MsgType.CHAT_REQUEST);
            assertThat(muted.getClientMsgId()).isEqualTo(5);
            assertThat(muted.getRetryAfterMs()).isBetween(1, 60_000);
            assertThat(muted.getReason()).contains("spam");
            alice.expectNothing(100);
            assertThat(mute(boss, room, "bob", 0).getResult()).isEqualTo(Result.OK);
            assertThat(auditEntries(2)).extracting(AuditLog.Entry::action).containsExactly("unmute", "mute");
            bob.send(ChatRequest.newBuilder().setRoomId(room).setText("hi again").build());
            assertThat(alice.expect(ChatNotify.class).getText()).isEqualTo("hi again");
        }
    }

    @Test
    void anOfflinePlayerCanBeMuted() throws Exception {
        start(c -> { });
        server.login("carol").close();
        server.awaitConnections(0);
        try (TestClient boss = server.login("boss")) {
            assertThat(mute(boss, 0, "carol", 30).getResult()).isEqualTo(Result.OK);
        }
        try (TestClient alice = server.login("alice"); TestClient carol = server.login("carol")) {
            roomWith(alice, carol);
            carol.send(ChatRequest.newBuilder().setText("let me").build());
            assertThat(carol.expect(ErrorNotify.class).getResult()).isEqualTo(Result.MUTED);
        }
    }

    private static BanResponse ban(TestClient by, String name, int seconds) {
        by.send(BanRequest.newBuilder().setName(name).setDurationS(seconds).setReason("cheating").build());
        return by.expect(BanResponse.class);
    }

    private static UnbanResponse unban(TestClient by, String name) {
        by.send(UnbanRequest.newBuilder().setName(name).build());
        return by.expect(UnbanResponse.class);
    }

    private LoginResponse loginAs(String name) throws Exception {
        try (TestClient c = server.client()) {
            return c.login(name, "pw-" + name);
        }
    }

    @Test
    void aBanClosesThePlayersConnectionAndRefusesItsLoginsAcrossARestartUntilUnbanned() throws Exception {
        start(c -> { });
        try (TestClient bob = server.login("bob"); TestClient alice = server.login("alice");
             TestClient boss = server.login("boss")) {
            BanResponse refused = ban(alice, "bob", 0);
            assertThat(refused.getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(unban(alice, "bob").getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(ban(boss, "nobody", 0).getResult()).isEqualTo(Result.PLAYER_NOT_FOUND);
            assertThat(ban(boss, "bob", 0).getResult()).isEqualTo(Result.OK);
            ErrorNotify notice = bob.expect(ErrorNotify.class);
            assertThat(notice.getResult()).isEqualTo(Result.BANNED);
            assertThat(notice.getReason()).contains("permanently").contains("cheating");
            assertThat(bob.awaitClosed(TestClient.TIMEOUT)).isTrue();
        }
        LoginResponse refused = loginAs("bob");
        assertThat(refused.getResult()).isEqualTo(Result.BANNED);
        assertThat(refused.getReason()).contains("permanently");
        assertThat(auditEntries(1)).extracting(AuditLog.Entry::action).containsExactly("ban");

        server.close();
        server = null;
        start(c -> { });
        assertThat(loginAs("bob").getResult()).as("after a restart").isEqualTo(Result.BANNED);
        try (TestClient boss = server.login("boss")) {
            assertThat(unban(boss, "bob").getResult()).isEqualTo(Result.OK);
        }
        assertThat(loginAs("bob").getResult()).isEqualTo(Result.OK);
        server.close();
        server = null;
        start(c -> { });
        assertThat(loginAs("bob").getResult()).as("the unban is stored too").isEqualTo(Result.OK);
    }

    @Test
    void aTimedBanSaysUntilWhenAndAMuteOutlivesARestart() throws Exception {
        start(c -> { });
        server.login("carol").close();
        server.login("dave").close();
        try (TestClient boss = server.login("boss")) {
            assertThat(ban(boss, "dave", 3600).getResult()).isEqualTo(Result.OK);
            assertThat(mute(boss, 0, "carol", 3600).getResult()).isEqualTo(Result.OK);
        }
        assertThat(auditEntries(2)).hasSize(2);
        server.close();
        server = null;
        start(c -> { });
        LoginResponse dave = loginAs("dave");
        assertThat(dave.getResult()).isEqualTo(Result.BANNED);
        assertThat(dave.getReason()).contains("until ").contains("cheating");
        try (TestClient alice = server.login("alice"); TestClient carol = server.login("carol")) {
            roomWith(alice, carol);
            carol.send(ChatRequest.newBuilder().setText("let me").build());
            ErrorNotify muted = carol.expect(ErrorNotify.class);
            assertThat(muted.getResult()).isEqualTo(Result.MUTED);
            assertThat(muted.getRetryAfterMs()).isBetween(3_500_000, 3_600_000);
        }
    }

    @Test
    void tokenRolesModerateAndABanRefusesTokenLoginsToo() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-moderation";
        Path secretFile = dir.resolve("token-secret"); // beside the data, which does not mind it
        Files.writeString(secretFile, secret + "\n");
        start(c -> c.tokenHmacSecretFile(secretFile));
        java.util.function.BiFunction<String, List<String>, LoginRequest> token = (name, roles) ->
                LoginRequest.newBuilder().setToken(DevTokens.hs256(secret.getBytes(StandardCharsets.UTF_8), "sub-" + name,
                        name, roles, null, null, Instant.now(), Duration.ofHours(1))).build();
        try (TestClient mod = server.client(); TestClient admin = server.client(); TestClient eve = server.client()) {
            mod.send(token.apply("mod", List.of("moderator")));
            assertThat(mod.expect(LoginResponse.class).getResult()).isEqualTo(Result.OK);
            admin.send(token.apply("chief", List.of("admin")));
            assertThat(admin.expect(LoginResponse.class).getResult()).isEqualTo(Result.OK);
            eve.send(token.apply("eve", List.of()));
            assertThat(eve.expect(LoginResponse.class).getResult()).isEqualTo(Result.OK);

            assertThat(mute(mod, 0, "eve", 60).getResult()).isEqualTo(Result.OK);
            assertThat(ban(mod, "eve", 60).getResult()).as("a moderator may not ban").isEqualTo(Result.NOT_ALLOWED);
            assertThat(mute(eve, 0, "mod", 60).getResult()).isEqualTo(Result.NOT_ALLOWED);
            assertThat(ban(admin, "eve", 60).getResult()).isEqualTo(Result.OK);
            assertThat(eve.expectSkipping(ErrorNotify.class).getResult()).isEqualTo(Result.BANNED);
            assertThat(eve.awaitClosed(TestClient.TIMEOUT)).isTrue();
        }
        try (TestClient eve = server.client()) {
            eve.send(token.apply("eve", List.of()));
            LoginResponse refused = eve.expect(LoginResponse.class);
            assertThat(refused.getResult()).isEqualTo(Result.BANNED);
            assertThat(refused.getReason()).contains("until ");
        }
        assertThat(auditEntries(2)).extracting(AuditLog.Entry::role).containsExactly("admin", "moderator");
    }

    @Test
    void staffByAdminsAndTheRoomsCreatorDeleteOthersMessagesPlainPlayersMayNotAndItIsAudited() throws Exception {
        start(c -> { });
        long room;
        long seq;
        long bobs;
        try (TestClient alice = server.login("alice"); TestClient bob = server.login("bob");
             TestClient boss = server.login("boss")) {
            room = roomWith(alice, bob);
            boss.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            assertThat(boss.expect(JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
            // bob is a plain player who did not create the room: not the creator alice's message
            alice.send(ChatRequest.newBuilder().setRoomId(room).setText("rude").build());
            seq = bob.expectSkipping(ChatNotify.class).getSeq();
            bob.send(DeleteMessageRequest.newBuilder().setRoomId(room).setSeq(seq).build());
            assertThat(bob.expectSkipping(DeleteMessageResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);
            boss.send(DeleteMessageRequest.newBuilder().setRoomId(room).setSeq(seq).setReason("rude").build());
            assertThat(boss.expectSkipping(DeleteMessageResponse.class).getResult()).isEqualTo(Result.OK);
            // the creator of an ad-hoc room moderates it (--creator-moderates, default on)
            bob.send(ChatRequest.newBuilder().setRoomId(room).setText("also rude").build());
            ChatNotify also;
            do {
                also = alice.expectSkipping(ChatNotify.class); // past the delete event of "rude"
            } while (!also.getText().equals("also rude"));
            bobs = also.getSeq();
            alice.send(DeleteMessageRequest.newBuilder().setRoomId(room).setSeq(bobs).build());
            assertThat(alice.expectSkipping(DeleteMessageResponse.class).getResult()).isEqualTo(Result.OK);
            // an author deleting its own message is no moderation action: not audited
            boss.send(ChatRequest.newBuilder().setRoomId(room).setText("oops").build());
            ChatNotify oops;
            do {
                oops = boss.expectSkipping(ChatNotify.class);
            } while (!oops.getText().equals("oops"));
            boss.send(DeleteMessageRequest.newBuilder().setRoomId(room).setSeq(oops.getSeq()).build());
            assertThat(boss.expectSkipping(DeleteMessageResponse.class).getResult()).isEqualTo(Result.OK);
            assertThat(actions("delete", "ok")).as("deletes of others' messages only").isEqualTo(2);
        }
        List<AuditLog.Entry> entries = auditEntries(2);
        assertThat(entries).extracting(AuditLog.Entry::action).containsExactly("message.delete", "message.delete");
        assertThat(entries).extracting(AuditLog.Entry::actor).containsExactlyInAnyOrder("alice", "boss");
        AuditLog.Entry byBoss = entries.stream().filter(e -> e.actor().equals("boss")).findFirst().orElseThrow();
        assertThat(byBoss.role()).isEqualTo("admin");
        assertThat(byBoss.target()).isEqualTo("room " + room + " seq " + seq + " (author alice)");
        assertThat(byBoss.reason()).isEqualTo("rude");
        AuditLog.Entry byCreator = entries.stream().filter(e -> e.actor().equals("alice")).findFirst().orElseThrow();
        assertThat(byCreator.role()).isEqualTo("player");
        assertThat(byCreator.target()).isEqualTo("room " + room + " seq " + bobs + " (author bob)");
    }
}
