package dev.parley.client.console;

import dev.parley.client.SmallHistory;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.testing.Chat;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console client restoring a connection the server closed: a real server is stopped and a
 * new one started on the same port and data directory, as in a restart.
 */
class ConsoleClientReconnectTest {

    @TempDir
    Path dataDir;

    @Test
    void aServerRestartIsResumedWithoutGapOrDuplicate() throws Exception {
        TestServer first = TestServer.start(dataDir, SmallHistory.config(0));
        int port = first.port();
        TestServer second = null;
        try (TcpProxy proxy = TcpProxy.to(port)) {
            long lobbyId;
            try (TestClient alice = first.login("alice")) {
                lobbyId = Chat.room(alice, "lobby").getRoomId();
                assertThat(Chat.join(alice, lobbyId).getResult()).isEqualTo(Result.OK);
                say(alice, 1, 2);
            }
            String tag = "lobby #" + lobbyId;
            ConsoleSession bob = ConsoleSession.start(proxy.port(), "bob");
            bob.in.line("/join " + lobbyId).line("seen before");
            bob.out.await("bob: seen before");

            proxy.hold(); // bob's reconnect waits until the new server has messages he missed
            first.close();
            bob.out.await("* connection lost; reconnecting...");
            bob.in.line("typed while away"); // waits for the reconnect, then goes to the new server
            second = TestServer.start(dataDir, SmallHistory.config(port));
            try (TestClient alice = second.login("alice")) {
                assertThat(Chat.join(alice, lobbyId).getResult()).isEqualTo(Result.OK);
                say(alice, 4, 10); // seq continues after bob's "seen before" (3)
                proxy.release();
                bob.out.await("* reconnected; resumed lobby (7 missed)");
                bob.out.await("bob: typed while away");
                Chat.receive(alice, 1);
                Chat.say(alice, "m12", 12);
                bob.out.await("alice: m12");
                bob.in.line("/quit");
                assertThat(bob.exitCode()).isZero();
            }

            List<String> expected = new ArrayList<>();
            expected.add("Joined room " + tag + " (1/1000). Type to chat, /leave to leave."); // alice has left
            expected.add("--- members ---");
            expected.add("- bob (id N, you)");
            expected.add("--- recent ---");
            expected.add("[" + tag + "] alice: m1");
            expected.add("[" + tag + "] alice: m2");
            expected.add("---------------");
            expected.add("[" + tag + "] bob: seen before");
            expected.add("* connection lost; reconnecting...");
            expected.add("* reconnected; resumed lobby (7 missed)");
            for (int i = 4; i <= 10; i++) {
                expected.add("[" + tag + "] alice: m" + i);
            }
            expected.add("[" + tag + "] bob: typed while away");
            expected.add("[" + tag + "] alice: m12");
            List<String> lines = bob.lines().stream().map(l -> l.replaceAll("\\(id \\d+", "(id N")).toList();
            assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
            assertThat(bob.err.text()).isEmpty();
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aRoomGoneAfterARestartIsReportedAndTheClientCarriesOn() throws Exception {
        TestServer first = TestServer.start(dataDir, SmallHistory.config(0));
        int port = first.port();
        TestServer second = null;
        try {
            ConsoleSession carol = ConsoleSession.start(port, "carol");
            carol.in.line("/create Ad hoc");
            String created = carol.out.await("---------------");
            first.close(); // an ad-hoc room does not outlive its server
            carol.out.await("* connection lost; reconnecting...");
            second = TestServer.start(dataDir, SmallHistory.config(port));
            carol.out.await("* reconnected");
            carol.in.line("anyone?").line("/list").end();
            assertThat(carol.exitCode()).isZero();

            String roomId = created.replaceAll("(?s).*Created room Ad hoc #(\\d+) .*", "$1");
            assertThat(carol.linesFrom("* connection lost; reconnecting...")).containsExactly(
                    "* connection lost; reconnecting...",
                    "* reconnected",
                    "! could not rejoin Ad hoc #" + roomId + ": ROOM_NOT_FOUND: no room " + roomId,
                    "! NOT_IN_ROOM: not in a room (/create NAME or /join ID first)",
                    "--- rooms ---",
                    "#" + lobbyId(second) + "  lobby  0/1000",
                    "---------------");
            assertThat(carol.err.text()).isEmpty();
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void theClientGivesUpWhenTheServerStaysAway(@TempDir Path otherDir) throws Exception {
        try (TestServer server = TestServer.start(dataDir, SmallHistory.config(0))) {
            // A server of its own, which closes its listener before its connections: the client's
            // first attempt, right after the drop, cannot reach a listener still winding down (as
            // it can at a TcpProxy, whose listener closes asynchronously to a blocked accept).
            TestServer gone = TestServer.start(otherDir, SmallHistory.config(0));
            ConsoleSession dan = ConsoleSession.start(ClientOptions.of("127.0.0.1", gone.port(), "dan", "pw-dan")
                    .withReconnectFor(Duration.ofSeconds(1)));
            dan.out.await("Logged in as dan");
            gone.close(); // the connection drops and nothing listens there any more
            assertThat(dan.exitCode()).isEqualTo(ConsoleClient.EXIT_CONNECTION_LOST);
            assertThat(dan.out.text()).endsWith("* connection lost; reconnecting...\n");
            assertThat(dan.err.text()).startsWith("parley: connection lost; gave up reconnecting after 1 s: cannot connect to 127.0.0.1:" + gone.port())
                    .hasLineCount(1);

            // with reconnecting off, a lost connection ends the session at once, as it did before
            try (TcpProxy another = TcpProxy.to(server.port())) {
                ConsoleSession erin = ConsoleSession.start(ClientOptions.of("127.0.0.1", another.port(), "erin", "pw-erin")
                        .withReconnectFor(Duration.ZERO));
                erin.out.await("Logged in as erin");
                another.close();
                assertThat(erin.exitCode()).isEqualTo(ConsoleClient.EXIT_CONNECTION_LOST);
                assertThat(erin.out.text()).doesNotContain("reconnecting");
                assertThat(erin.err.text()).isEqualTo("parley: the server closed the connection\n");
            }
        }
    }

    @Test
    void aServerThatGoesAwayIsAnnouncedAndTheClientComesBackToItsSuccessor() throws Exception {
        TestServer first = TestServer.start(dataDir, SmallHistory.config(0).andThen(c -> c.drain(Duration.ofMillis(300))));
        int port = first.port();
        TestServer second = null;
        try {
            ConsoleSession fay = ConsoleSession.start(port, "fay");
            fay.out.await("Logged in as fay");
            first.close(); // drains 300 ms: fay is told, served, then closed
            fay.out.await("* the server is going away (shutting down); reconnecting a little after it closes the connection");
            fay.out.await("* connection lost; reconnecting...");
            second = TestServer.start(dataDir, SmallHistory.config(port));
            fay.out.await("* reconnected");
            fay.in.line("/quit");
            assertThat(fay.exitCode()).isZero();
            assertThat(fay.err.text()).isEmpty();
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static void say(TestClient c, int from, int to) {
        for (int i = from; i <= to; i++) {
            Chat.say(c, "m" + i, i);
        }
        Chat.receive(c, to - from + 1);
    }

    private static long lobbyId(TestServer server) throws Exception {
        try (TestClient c = server.login("lister")) {
            RoomInfo lobby = Chat.room(c, "lobby");
            return lobby.getRoomId();
        }
    }
}
