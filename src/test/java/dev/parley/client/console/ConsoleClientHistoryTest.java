package dev.parley.client.console;

import dev.parley.client.SmallHistory;
import dev.parley.testing.Chat;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * History in the console client against a real server over loopback: {@code /history}, the recent
 * messages a join shows, and {@code /reconnect} resuming a room. The server keeps only 3 messages
 * for a join and answers at most 5 per history page, so reads of more take several pages.
 */
class ConsoleClientHistoryTest {

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(dataDir, SmallHistory.config(0));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** {@code n} chat lines of {@code sender} in room {@code tag}: "[tag] sender: prefix1" ... */
    private static List<String> chatLines(String tag, String sender, String prefix, int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            lines.add("[" + tag + "] " + sender + ": " + prefix + i);
        }
        return lines;
    }

    private static void say(TestClient c, String prefix, int from, int to) {
        for (int i = from; i <= to; i++) {
            Chat.say(c, prefix + i, i);
        }
        Chat.receive(c, to - from + 1); // the room has numbered them all
    }

    @Test
    void joinShowsRecentAndHistoryPagesBackToEarlierMessagesInOrder() throws Exception {
        try (TestClient writer = server.login("writer")) {
            long roomId = Chat.createRoom(writer, "Archive");
            say(writer, "m", 1, 12);
            String tag = "Archive #" + roomId;

            ConsoleSession reader = ConsoleSession.start(server.port(), "reader");
            reader.in.line("/history").line("/join " + roomId).line("/history 8").line("/history").line("/history 0").end();
            assertThat(reader.exitCode()).isZero();

            List<String> expected = new ArrayList<>();
            expected.add("! not in a room: /history shows the messages of your room (/create NAME or /join ID first)");
            expected.add("Joined room " + tag + " (2/1000). Type to chat, /leave to leave.");
            expected.add("--- members ---");
            expected.add("- writer (id N)");
            expected.add("- reader (id N, you)");
            expected.add("--- recent ---");
            expected.addAll(chatLines(tag, "writer", "m", 10, 12)); // the server's last SmallHistory.JOIN_HISTORY
            expected.add("---------------");
            expected.add("--- history (8) ---"); // a page of 5, then one of 3
            expected.addAll(chatLines(tag, "writer", "m", 5, 12));
            expected.add("---------------");
            expected.add("--- history (12) ---"); // 20 asked, the room has 12: three pages
            expected.addAll(chatLines(tag, "writer", "m", 1, 12));
            expected.add("---------------");
            expected.add("! usage: /history [N], where N is 1-1000 messages (default 20)");
            List<String> lines = reader.lines().stream().map(l -> l.replaceAll("\\(id \\d+", "(id N")).toList();
            assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
            assertThat(lines.get(0)).startsWith("Logged in as reader");
            assertThat(reader.err.text()).isEmpty();
        }
    }

    @Test
    void reconnectResumesTheRoomWithExactlyTheMessagesMissedMeanwhile() throws Exception {
        try (TestClient alice = server.login("alice"); TcpProxy proxy = TcpProxy.to(server.port())) {
            long roomId = Chat.createRoom(alice, "Raid Night");
            String tag = "Raid Night #" + roomId;
            say(alice, "m", 1, 2);

            ConsoleSession bob = ConsoleSession.start(proxy.port(), "bob");
            bob.in.line("/join " + roomId);
            bob.out.await("---------------");
            Chat.say(alice, "m3", 3);
            bob.out.await("alice: m3");

            proxy.hold(); // the new connection waits while alice chats on
            bob.in.line("/reconnect");
            bob.out.await("* reconnecting...");
            say(alice, "m", 4, 13); // 10 missed: more than a join's 3, in pages of at most 5
            proxy.release();
            bob.out.await("* reconnected; resumed Raid Night (10 missed)");
            Chat.say(alice, "live", 14);
            bob.out.await("alice: live");
            bob.in.line("/history 2").line("/quit");
            assertThat(bob.exitCode()).isZero();

            List<String> expected = new ArrayList<>();
            expected.add("* reconnecting...");
            expected.add("* reconnected; resumed Raid Night (10 missed)");
            expected.addAll(chatLines(tag, "alice", "m", 4, 13));
            expected.add("[" + tag + "] alice: live");
            expected.add("--- history (2) ---"); // the new connection reads history as a member again
            expected.add("[" + tag + "] alice: m13");
            expected.add("[" + tag + "] alice: live");
            expected.add("---------------");
            assertThat(bob.linesFrom("* reconnecting...")).containsExactlyElementsOf(expected);
            List<String> chat = bob.lines().stream().filter(l -> l.startsWith("[" + tag + "]")).toList();
            List<String> once = new ArrayList<>(chatLines(tag, "alice", "m", 1, 13));
            once.add("[" + tag + "] alice: live");
            once.addAll(expected.subList(expected.size() - 3, expected.size() - 1)); // the /history block
            assertThat(chat).as("every message once, in order, then the history block").containsExactlyElementsOf(once);
            assertThat(bob.err.text()).isEmpty();
        }
    }
}
