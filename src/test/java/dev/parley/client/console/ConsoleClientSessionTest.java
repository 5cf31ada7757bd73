package dev.parley.client.console;

import dev.parley.cli.Main;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console client in scripted (non-terminal) mode against a real server over loopback:
 * each client is a {@link ConsoleSession}.
 */
class ConsoleClientSessionTest {

    private static final int ROOM_MAX = 2;

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(dataDir, c -> c.roomMaxMembers(ROOM_MAX));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static ConsoleSession session(String name, String password) {
        return ConsoleSession.start(ClientOptions.of("127.0.0.1", server.port(), name, password));
    }

    @Test
    void twoClientsChatInARoomTheFirstCreated() throws Exception {
        ConsoleSession alice = session("alice", "pw-alice");
        ConsoleSession bob = session("bob", "pw-bob");
        alice.out.await("Logged in as alice");
        bob.out.await("Logged in as bob");

        alice.in.line("/create TestRoom");
        String created = alice.out.await("---------------");
        Matcher id = Pattern.compile("Created room TestRoom #(\\d+) \\(1/" + ROOM_MAX + "\\)").matcher(created);
        assertThat(id.find()).as(created).isTrue();
        long roomId = Long.parseLong(id.group(1));
        assertThat(created).contains("--- members ---\n- alice (id ");

        bob.in.line("/list");
        assertThat(bob.out.await("---------------")).containsPattern("#" + roomId + " +TestRoom +1/" + ROOM_MAX);
        bob.in.line("/join " + roomId);
        String joined = bob.out.await("Joined room TestRoom #" + roomId);
        assertThat(bob.out.await("- bob (id ")).containsPattern("--- members ---\n- alice \\(id \\d+\\)\n- bob \\(id \\d+, you\\)");
        alice.out.await("* bob joined TestRoom");

        alice.in.line("hello from alice");
        bob.out.await("[TestRoom #" + roomId + "] alice: hello from alice");
        bob.in.line("hi alice, / is not a command here");
        alice.out.await("[TestRoom #" + roomId + "] bob: hi alice, / is not a command here");
        assertThat(alice.out.text()).contains("[TestRoom #" + roomId + "] alice: hello from alice"); // the sender sees it too

        // the room holds ROOM_MAX members: a third is refused with the server's reason
        ConsoleSession carol = session("carol", "pw-carol");
        carol.in.line("/join " + roomId).end();
        assertThat(carol.exitCode()).isZero();
        assertThat(carol.out.text()).contains("! ROOM_FULL: room:" + roomId + "(TestRoom) is full (" + ROOM_MAX + ")");

        bob.in.line("/leave");
        bob.out.await("Left room TestRoom #" + roomId + ".");
        alice.out.await("* bob left TestRoom");
        bob.in.line("/shout hello");
        bob.out.await("! unknown command /shout; type /help for the commands");
        bob.in.end();
        assertThat(bob.exitCode()).isZero();

        alice.in.line("/quit");
        assertThat(alice.exitCode()).isZero();
        assertThat(alice.err.text()).isEmpty();
        assertThat(bob.err.text()).isEmpty();
        assertThat(joined).doesNotContain("alice: hello"); // nothing from before bob joined
    }

    @Test
    void editAndDeleteAreShownAsSuchToEveryMemberAndInHistory() throws Exception {
        ConsoleSession fay = session("fay", "pw-fay");
        fay.out.await("Logged in as fay");
        fay.in.line("/create EditRoom");
        Matcher id = Pattern.compile("Created room EditRoom #(\\d+)").matcher(fay.out.await("---------------"));
        assertThat(id.find()).isTrue();
        long roomId = Long.parseLong(id.group(1));
        ConsoleSession gus = session("gus", "pw-gus");
        gus.out.await("Logged in as gus");
        gus.in.line("/join " + roomId);
        gus.out.await("Joined room EditRoom #" + roomId);
        fay.in.line("helo").line("second");
        gus.out.await("[EditRoom #" + roomId + "] fay: second"); // seqs 1 and 2 of a new room

        fay.in.line("/edit 1 hello");
        gus.out.await("[EditRoom #" + roomId + "] (edited #1) fay: hello");
        gus.in.line("/delete 2");
        gus.out.await("! NOT_ALLOWED");
        fay.in.line("/delete 2");
        gus.out.await("[EditRoom #" + roomId + "] (deleted #2 by fay)");
        fay.in.line("/edit x");
        fay.out.await("! usage: /edit SEQ TEXT");

        gus.in.line("/history").end();
        assertThat(gus.exitCode()).isZero();
        assertThat(gus.linesFrom("--- history (4) ---")).startsWith(
                "--- history (4) ---",
                "[EditRoom #" + roomId + "] (edited) fay: hello",
                "[EditRoom #" + roomId + "] (deleted message of fay)",
                "[EditRoom #" + roomId + "] (edited #1) fay: hello",
                "[EditRoom #" + roomId + "] (deleted #2 by fay)");
        fay.in.line("/quit");
        assertThat(fay.exitCode()).isZero();
        assertThat(fay.err.text()).isEmpty();
    }

    @Test
    void directMessagesBlocksAndUnreadConversationsAtLogin() throws Exception {
        ConsoleSession dora = session("dora", "pw-dora");
        ConsoleSession eve = session("eve", "pw-eve");
        dora.out.await("Logged in as dora");
        eve.out.await("Logged in as eve");
        dora.in.line("/msg eve hi eve");
        dora.out.await("[dm to eve #1] hi eve");
        eve.out.await("[dm from dora #1] hi eve");
        eve.in.line("/block dora");
        eve.out.await("* blocked dora: you no longer see their direct messages or room chat");
        dora.in.line("/msg eve still there?");
        dora.out.await("[dm to eve #2] still there?");
        eve.in.line("/unblock dora");
        eve.out.await("* unblocked dora");
        dora.in.line("/msg nobody hello");
        dora.out.await("! PLAYER_NOT_FOUND");
        eve.in.line("/quit");
        assertThat(eve.exitCode()).isZero();
        assertThat(eve.out.text()).doesNotContain("still there?");
        server.awaitConnections(1); // eve is offline: what dora sends now waits for her

        dora.in.line("/msg eve while you were away").line("/msg eve two");
        dora.out.await("[dm to eve #4] two");
        ConsoleSession back = session("eve", "pw-eve");
        back.out.await("* unread direct messages from dora (2); /msg NAME shows them");
        back.in.line("/msg dora").end();
        assertThat(back.exitCode()).isZero();
        assertThat(back.linesFrom("--- direct messages with dora ---")).startsWith(
                "--- direct messages with dora ---",
                "[dm from dora #1] hi eve",
                "[dm from dora #3] while you were away",
                "[dm from dora #4] two");
        dora.in.line("/quit");
        assertThat(dora.exitCode()).isZero();
        assertThat(dora.err.text()).isEmpty();
    }

    @Test
    void dmeditAndDmdeleteAreShownAsSuchToBothPlayersAndInTheConversation() throws Exception {
        ConsoleSession hana = session("hana", "pw-hana");
        ConsoleSession ivo = session("ivo", "pw-ivo");
        hana.out.await("Logged in as hana");
        ivo.out.await("Logged in as ivo");
        hana.in.line("/msg ivo helo").line("/msg ivo oops");
        ivo.out.await("[dm from hana #2] oops");
        hana.in.line("/dmedit ivo 1 hello");
        ivo.out.await("[dm from hana #3] (edited #1) hello");
        hana.out.await("[dm to ivo #3] (edited #1) hello");
        ivo.in.line("/dmdelete hana 2");
        ivo.out.await("! NOT_ALLOWED");
        hana.in.line("/dmdelete ivo 2");
        ivo.out.await("[dm from hana #4] (deleted #2)");
        hana.in.line("/dmedit ivo 2");
        hana.out.await("! usage: /dmedit NAME SEQ TEXT");

        ivo.in.line("/msg hana").end();
        assertThat(ivo.exitCode()).isZero();
        assertThat(ivo.linesFrom("--- direct messages with hana ---")).startsWith(
                "--- direct messages with hana ---",
                "[dm from hana #1] (edited) hello",
                "[dm from hana #2] (deleted)",
                "[dm from hana #3] (edited #1) hello",
                "[dm from hana #4] (deleted #2)");
        hana.in.line("/quit");
        assertThat(hana.exitCode()).isZero();
        assertThat(hana.err.text()).isEmpty();
    }

    @Test
    void severalRoomsWithSwitchRoomsAndLeaveById() throws Exception {
        ConsoleSession multi = session("multi", "pw-multi");
        multi.in.line("/create Guild").line("/create Party").line("to the party").line("/switch 999999")
                .line("/rooms");
        String text = multi.out.await("(current: plain lines go here)");
        Matcher m = Pattern.compile("Created room Guild #(\\d+) ").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        long guild = Long.parseLong(m.group(1));
        m = Pattern.compile("Created room Party #(\\d+) ").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        long party = Long.parseLong(m.group(1));
        // plain lines go to the room entered last; each line shows its room
        assertThat(text).contains("[Party #" + party + "] multi: to the party")
                .contains("! not in room #999999; /rooms lists your rooms")
                .contains(String.join("\n", "--- your rooms ---", "  Guild #" + guild,
                        "* Party #" + party + "  (current: plain lines go here)", "---------------"));

        try (TestClient keeper = server.login("keeper")) { // keeps both rooms when multi goes
            assertThat(Chat.join(keeper, guild).getResult()).isEqualTo(Result.OK);
            assertThat(Chat.join(keeper, party).getResult()).isEqualTo(Result.OK);
            multi.in.end();
            assertThat(multi.exitCode()).isZero();
            inTwoRooms(guild, party);
        }
    }

    private void inTwoRooms(long guild, long party) throws Exception {
        ConsoleSession again = session("multi", "pw-multi");
        again.in.line("/join " + guild).line("/join " + party).line("/switch " + guild).line("to the guild")
                .line("/leave").line("/leave " + party).line("/rooms").end();
        assertThat(again.exitCode()).isZero();
        assertThat(again.out.text()).contains("Plain lines now go to Guild #" + guild + ".",
                "[Guild #" + guild + "] multi: to the guild",
                "Left room Guild #" + guild + ".\nPlain lines now go to Party #" + party + ".",
                "Left room Party #" + party + ".\nYou are in no room; /create NAME or /join ID.");
    }

    @Test
    void aScriptRunsInOrderAndEndsWithItsInput() throws Exception {
        ConsoleSession solo = session("solo", "pw-solo");
        solo.in.line("/create Solo Room").line("hello").line("/bogus").line("").line("/leave")
                .line("after leaving").line("/join 999999").line("/help").end();
        assertThat(solo.exitCode()).isZero();
        String text = solo.out.text();
        Matcher m = Pattern.compile("Created room Solo Room #(\\d+) ").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        String room = "Solo Room #" + m.group(1);
        assertThat(String.join("\n", solo.lines()).replaceAll("\\(id \\d+", "(id N") + "\n").isEqualTo(String.join("\n",
                "Logged in as solo (id N). Type /help for commands.",
                "Created room " + room + " (1/" + ROOM_MAX + "). Type to chat, /leave to leave.",
                "--- members ---",
                "- solo (id N, you)",
                "---------------",
                "[" + room + "] solo: hello",
                "! unknown command /bogus; type /help for the commands, or start with // to send it as chat",
                "Left room " + room + ".",
                "! NOT_IN_ROOM: not in a room (/create NAME or /join ID first)",
                "! ROOM_NOT_FOUND: no room 999999",
                String.join("\n", CommandParser.HELP),
                ""));
        assertThat(solo.err.text()).isEmpty();
    }

    @Test
    void missingNameAndPasswordAreReadFromInput() throws Exception {
        ConsoleSession erin = session(null, null);
        erin.in.line("erin").line("s3cret").line("/quit");
        assertThat(erin.exitCode()).isZero();
        assertThat(erin.err.text()).isEqualTo("name: password: ");
        assertThat(erin.out.text()).startsWith("Logged in as erin (id ");
    }

    @Test
    void aRefusedLoginExitsWithTheResultAndReason() throws Exception {
        server.login("dave").close(); // registers dave with password pw-dave
        ConsoleSession dave = session("dave", "wrong");
        assertThat(dave.exitCode()).isEqualTo(ConsoleClient.EXIT_LOGIN_FAILED);
        assertThat(dave.err.text()).isEqualTo("parley: login failed: INVALID_CREDENTIALS: unknown name or wrong password\n");
        assertThat(dave.out.text()).isEmpty();
    }

    @Test
    void anUnreachableServerExitsWithOneLine() throws Exception {
        ConsoleSession nobody = ConsoleSession.start(ClientOptions.of("127.0.0.1", closedPort(), "x", "y"));
        assertThat(nobody.exitCode()).isEqualTo(ConsoleClient.EXIT_CANNOT_CONNECT);
        assertThat(nobody.err.text()).startsWith("parley: cannot connect to 127.0.0.1:").hasLineCount(1);
    }

    @Test
    void chatTooLongForAFrameIsRefusedLocallyInsteadOfGettingDisconnected() throws Exception {
        String longLine = "x".repeat(9_000);
        ConsoleSession frank = session("frank", "pw-frank");
        frank.in.line("/create Long").line(longLine).line("still here").end();
        assertThat(frank.exitCode()).isZero();
        assertThat(frank.out.text()).containsPattern("! message too long: it needs a 90\\d\\d-byte frame; the server takes 8192 \\(--max-frame\\)")
                .contains("] frank: still here");

        // told the server takes bigger frames than it does, the client sends it and the server hangs up
        ConsoleSession gina = ConsoleSession.start(ClientOptions.of("127.0.0.1", server.port(), "gina", "pw-gina")
                .withMaxFrameBytes(65_535));
        gina.in.line(longLine);
        assertThat(gina.exitCode()).isEqualTo(ConsoleClient.EXIT_CONNECTION_LOST);
        assertThat(gina.out.text()).contains("! PROTOCOL_VIOLATION: ");
        assertThat(gina.err.text()).isEqualTo("parley: the server closed the connection\n");
    }

    @Test
    void thePicocliCommandRunsTheClient() throws Exception {
        InputStream stdin = System.in;
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        CapturedOutput out = new CapturedOutput();
        CapturedOutput err = new CapturedOutput();
        try {
            System.setIn(new ScriptedInput().line("/create Cli Room").line("hi from the jar").end());
            System.setOut(out.stream);
            System.setErr(err.stream);
            int code = Main.run("client", "--host", "127.0.0.1", "--port", String.valueOf(server.port()),
                    "--name", "hank", "--password", "pw-hank");
            assertThat(code).as(err.text()).isZero();
            assertThat(out.text()).contains("Logged in as hank").containsPattern("\\[Cli Room #\\d+] hank: hi from the jar");

            System.setIn(new ScriptedInput().end());
            int unreachable = Main.run("client", "--port", String.valueOf(closedPort()), "--name", "x", "--password", "y");
            assertThat(unreachable).isEqualTo(ConsoleClient.EXIT_CANNOT_CONNECT);
            assertThat(err.text()).contains("parley: cannot connect to 127.0.0.1:");

            int badPort = Main.run("client", "--port", "0");
            assertThat(badPort).isEqualTo(2);
            assertThat(err.text()).contains("parley: --port must be 1-65535, was 0");

            int badReconnect = Main.run("client", "--reconnect-for", "-1s");
            assertThat(badReconnect).isEqualTo(2);
            assertThat(err.text()).contains("parley: --reconnect-for must not be negative, was PT-1S");

            assertThat(Main.run("client", "--help")).isZero();
            assertThat(out.text()).contains("/history [N], /reconnect").contains("--reconnect-for=DURATION");
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
