package dev.parley.server;

import dev.parley.account.PasswordHasher;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.store.AccountStore;
import dev.parley.store.Database;
import dev.parley.testing.StoreBackend;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The content rules from outside, as a hostile client tries them over real sockets: chat text
 * that would rewrite other players' screens, names that look like someone else's, and
 * max_members values that only fit a uint32.
 */
class ContentRulesTest {

    @TempDir
    Path dir;

    @Test
    void aRefusedChatIsAnsweredWithItsIdAndNeitherDeliveredNorStored() throws Exception {
        Map<String, String> hostile = new LinkedHashMap<>(); // text -> what the reason names
        hostile.put("gg\r\n[SYSTEM] you were banned", "control character U+000D");
        hostile.put("\u001b[31mred alert", "control character U+001B");
        hostile.put("nul\u0000byte", "control character U+0000");
        hostile.put("see \u202Eexe.txt", "U+202E RIGHT-TO-LEFT OVERRIDE unterminated");
        hostile.put("\u200B", "no visible characters");
        hostile.put("\u3164\u2800", "no visible characters");
        try (TestServer server = TestServer.start(dir, c -> c.rateLimit(0));
             TestClient alice = server.login("alice");
             TestClient bob = server.login("bob");
             Connection db = StoreBackend.h2().connect(dir)) {
            alice.send(CreateRoomRequest.newBuilder().setName("lobby").build());
            long room = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            bob.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            bob.expect(JoinRoomResponse.class);
            alice.expect(MemberJoinedNotify.class);

            long cmid = 1;
            for (var h : hostile.entrySet()) {
                alice.send(ChatRequest.newBuilder().setText(h.getKey()).setClientMsgId(cmid).build());
                ErrorNotify e = alice.expect(ErrorNotify.class);
                assertThat(e.getResult()).as(h.getValue()).isEqualTo(Result.INVALID_REQUEST);
                assertThat(e.getRequestType()).isEqualTo(MsgType.CHAT_REQUEST);
                assertThat(e.getClientMsgId()).isEqualTo(cmid);
                assertThat(e.getReason()).contains(h.getValue().split(" unterminated")[0]);
                cmid++;
            }
            // the same override closed on its line is fine; it is the first chat anyone sees or the log holds
            String fine = "see \u202Eexe\u202C.txt\nsecond line";
            alice.send(ChatRequest.newBuilder().setText(fine).setClientMsgId(99).build());
            ChatNotify delivered = bob.expect(ChatNotify.class);
            assertThat(delivered.getText()).isEqualTo(fine);
            assertThat(delivered.getSeq()).isEqualTo(1);
            assertThat(alice.expect(ChatNotify.class).getClientMsgId()).isEqualTo(99);
            StoredMessages.awaitCount(db, 1, 10);
            assertThat(StoredMessages.of(db, room)).singleElement()
                    .satisfies(row -> assertThat(row.text()).isEqualTo(fine));
            assertThat(bob.drain()).isEmpty();
        }
    }

    @Test
    void aNameThatLooksLikeAnExistingOneCannotRegister() throws Exception {
        try (TestServer server = TestServer.start(dir);
             TestClient alice = server.login("Alice");
             TestClient other = server.client()) {
            for (String lookAlike : new String[]{"\u0410lice", "AIice", "Alic\u0435"}) {
                LoginResponse r = other.login(lookAlike, "pw-x");
                assertThat(r.getResult()).as(lookAlike).isEqualTo(Result.INVALID_REQUEST);
                assertThat(r.getReason()).contains("looks like an existing player's name");
            }
            // invisible, blank, private-use and padded names never get that far
            Map<String, String> bad = Map.of(
                    "Alice\u00A0", "white space",
                    "\u3164", "invisible",
                    "\u2800", "invisible",
                    "\uE000", "private-use",
                    "Al\u200Bice", "U+200B");
            for (var b : bad.entrySet()) {
                LoginResponse r = other.login(b.getKey(), "pw-x");
                assertThat(r.getResult()).as(b.getValue()).isEqualTo(Result.INVALID_REQUEST);
                assertThat(r.getReason()).contains(b.getValue());
            }
            // the owner keeps logging in, by the exact name, a case variant or a full-width spelling
            // (whose NFKC form is the name itself)
            alice.close();
            for (String spelling : new String[]{"Alice", "ALICE", "Ａｌｉｃｅ"}) {
                LoginResponse r = loginOnceOffline(server, spelling, "pw-Alice");
                assertThat(r.getResult()).as(spelling).isEqualTo(Result.OK);
                assertThat(r.getPlayerId()).as(spelling).isEqualTo(alice.playerId);
                assertThat(r.getName()).isEqualTo("Alice");
            }
        }
    }

    /**
     * Logs in and out again; retried (for at most 5 s) while the server has yet to notice that
     * the account's previous connection closed.
     */
    private static LoginResponse loginOnceOffline(TestServer server, String name, String password) throws Exception {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (TestClient c = server.client()) {
                LoginResponse r = c.login(name, password);
                if (r.getResult() != Result.ALREADY_LOGGED_IN || System.nanoTime() > end) {
                    return r;
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void withoutAutoRegistrationALookAlikeIsJustAnUnknownName() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.autoRegister(true))) {
            server.login("Alice").close();
        }
        try (TestServer server = TestServer.start(dir, c -> c.autoRegister(false));
             TestClient other = server.client()) {
            assertThat(other.login("\u0410lice", "pw-Alice").getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
            assertThat(other.login("Alice", "pw-Alice").getResult()).isEqualTo(Result.OK);
        }
    }

    @Test
    void namesAreStoredInTheirNfkcFormAndOldAccountsKeepTheirSpelling() throws Exception {
        // an account registered before names were normalised, spelt with a full-width C
        try (Database db = Database.open(Database.embeddedUrl(dir), null, null, 2);
             Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO account (name, name_key, password_hash,"
                     + " created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
            ps.setString(1, "Ｃarol");
            ps.setString(2, AccountStore.nameKey("Ｃarol"));
            ps.setString(3, new PasswordHasher(1_000).hash("pw-old"));
            ps.executeUpdate();
        }
        try (TestServer server = TestServer.start(dir);
             TestClient bob = server.client();
             TestClient carol = server.client()) {
            LoginResponse r = bob.loginOk("Ｂｏｂ", "pw-Bob");
            assertThat(r.getName()).isEqualTo("Bob");
            assertThat(carol.loginOk("Ｃarol", "pw-old").getName()).isEqualTo("Ｃarol");
            bob.send(CreateRoomRequest.newBuilder().setName("Ｒａｉｄ\u3000Night").build());
            assertThat(bob.expect(CreateRoomResponse.class).getRoom().getName()).isEqualTo("Raid Night");
        }
    }

    @Test
    void maxMembersIsComparedAsTheUint32ItIs() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.roomMaxMembers(50));
             TestClient eve = server.login("eve")) {
            for (int max : new int[]{-1, Integer.MIN_VALUE, 51}) {
                eve.send(CreateRoomRequest.newBuilder().setName("trap").setMaxMembers(max).build());
                CreateRoomResponse r = eve.expect(CreateRoomResponse.class);
                assertThat(r.getResult()).isEqualTo(Result.INVALID_REQUEST);
                assertThat(r.getReason()).contains("max_members " + Integer.toUnsignedString(max))
                        .contains("at most 50");
            }
            eve.send(RoomListRequest.getDefaultInstance());
            assertThat(eve.expect(RoomListResponse.class).getRoomsList()).isEmpty();
            // a uint64 room id is named as one
            eve.send(JoinRoomRequest.newBuilder().setRoomId(-1).build());
            JoinRoomResponse join = eve.expect(JoinRoomResponse.class);
            assertThat(join.getResult()).isEqualTo(Result.ROOM_NOT_FOUND);
            assertThat(join.getReason()).isEqualTo("no room 18446744073709551615");
            eve.send(CreateRoomRequest.newBuilder().setName("ok").setMaxMembers(50).build());
            assertThat(eve.expect(CreateRoomResponse.class).getRoom().getMaxMembers()).isEqualTo(50);
        }
    }
}
