package dev.parley.client.console;

import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's {@code /mute} against a real server over loopback: everywhere by default, {@code here} in the current room. */
class ConsoleModerationTest {

    @TempDir
    Path dataDir;

    @Test
    void muteIsEverywhereByDefaultAndHereInTheCurrentRoomOnly() throws Exception {
        try (TestServer server = TestServer.start(dataDir, c -> c.rateLimit(0).admins(List.of("boss")));
             TestClient bob = server.login("bob")) {
            ConsoleSession boss = ConsoleSession.start(server.port(), "boss");
            boss.out.await("Logged in as boss");
            boss.in.line("/mute bob 60 here");
            boss.out.await("! not in a room: /mute NAME SECONDS here mutes in your current room");

            boss.in.line("/create Den");
            Matcher id = Pattern.compile("Created room Den #(\\d+)").matcher(boss.out.await("---------------"));
            assertThat(id.find()).isTrue();
            long den = Long.parseLong(id.group(1));
            long other = Chat.createRoom(bob, "Other");
            assertThat(Chat.join(bob, den).getResult()).isEqualTo(Result.OK);

            boss.in.line("/mute bob 60 here spam");
            boss.out.await("* muted bob in Den for 60 s");
            assertThat(chat(bob, den)).as("muted in Den").isEqualTo(Result.MUTED);
            assertThat(chat(bob, other)).as("not elsewhere").isNull();

            boss.in.line("/mute bob 60 flood");
            boss.out.await("* muted bob everywhere for 60 s");
            assertThat(chat(bob, other)).isEqualTo(Result.MUTED);
            boss.in.line("/mute bob 0");
            boss.out.await("* unmuted bob everywhere");
            assertThat(chat(bob, other)).isNull();
            assertThat(chat(bob, den)).as("the room's mute is separate").isEqualTo(Result.MUTED);
            boss.in.line("/mute bob 0 here");
            boss.out.await("* unmuted bob in Den");
            assertThat(chat(bob, den)).isNull();
            boss.in.end();
            assertThat(boss.exitCode()).isZero();
        }
    }

    /** Bob says something in {@code room}: the refusal's result, or null when the room took it. */
    private static Result chat(TestClient bob, long room) {
        bob.send(ChatRequest.newBuilder().setRoomId(room).setText("hello").build());
        while (true) {
            Object m = bob.next();
            if (m instanceof ErrorNotify e) {
                return e.getResult();
            }
            if (m instanceof dev.parley.protocol.pb.ChatNotify n && n.getRoomId() == room
                    && n.getSender().getName().equals("bob")) {
                return null;
            }
        }
    }
}
