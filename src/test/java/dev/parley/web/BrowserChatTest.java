package dev.parley.web;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The browser page in real headless Chromium against a real server: two players chat with each
 * other and with a TCP client in one order, a dropped connection resumes, a member leaving
 * shows, a reloaded page resumes its room with no gap and no duplicate, and a late joiner pages
 * older history by scrolling up.
 */
@Timeout(120)
class BrowserChatTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private ChatPage alice;
    private ChatPage bob;

    @BeforeAll
    static void chromiumIsInstalled() {
        Chromium.requireInstalled();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestServer server(int joinHistory) throws Exception {
        TestServer server = TestServer.start(tmp.resolve("data"), c -> c.wsPort(0).joinHistory(joinHistory));
        open.add(server);
        return server;
    }

    private ChatPage page(TestServer server) {
        ChatPage page = ChatPage.open(WebPage.url(server), Chromium.DESKTOP);
        open.add(page);
        return page;
    }

    /** Alice and Bob log in, Alice creates the room and Bob joins it from the list: its id. */
    private String aliceAndBobMeetIn(TestServer server, String roomName) {
        alice = page(server).login("alice", "pw-alice");
        bob = page(server).login("bob", "pw-bob");
        String room = alice.createRoom(roomName);
        assertThat(alice.members()).containsExactly("alice");
        assertThat(bob.joinRoom(roomName)).isEqualTo(room);
        alice.waitFor(d -> alice.members().equals(List.of("alice", "bob")));
        return room;
    }

    @Test
    void twoPagesAndATcpClientChatInOneOrderResumeAndLeave() throws Exception {
        TestServer server = server(20);
        String room = aliceAndBobMeetIn(server, "Raid Night");
        // a player on a TCP client (the console client's protocol) in the same room
        TestClient carol = server.login("carol");
        open.add(carol);
        assertThat(Chat.join(carol, Long.parseLong(room)).getResult()).isEqualTo(Result.OK);
        alice.waitFor(d -> alice.members().equals(List.of("alice", "bob", "carol")));

        alice.say("ready at 9?");
        long first = bob.awaitMessage(room, "ready at 9?");
        bob.say("<b>yes</b> & bring <script>potions</script>");
        alice.awaitMessage(room, "<b>yes</b> & bring <script>potions</script>");

        assertThat(alice.messages(room)).containsExactly(
                new ChatPage.Shown(first, "alice", "ready at 9?", true),
                new ChatPage.Shown(first + 1, "bob", "<b>yes</b> & bring <script>potions</script>", false));
        assertThat(bob.messages(room)).extracting(ChatPage.Shown::own).containsExactly(false, true);
        // the markup in the text stayed text: no element was made from it
        assertThat(alice.js("return document.querySelectorAll('.msg-text b, .msg-text script').length")).isEqualTo(0L);
        // the TCP player got the same messages with the same seqs, and is heard by the pages
        assertThat(Chat.receive(carol, 2)).extracting(ChatNotify::getSeq, ChatNotify::getText).containsExactly(
                tuple(first, "ready at 9?"), tuple(first + 1, "<b>yes</b> & bring <script>potions</script>"));
        Chat.say(carol, "from the console", 1);
        assertThat(alice.awaitMessage(room, "from the console")).isEqualTo(first + 2);
        assertThat(bob.awaitMessage(room, "from the console")).isEqualTo(first + 2);

        // the connection drops (not the page): it reconnects by itself, logs in again and
        // resumes the room, with what was said meanwhile, once
        alice.js("window.droppedSocket = parley.ws; parley.ws.close()");
        bob.say("did you drop?");
        alice.awaitMessage(room, "did you drop?");
        alice.waitFor(d -> Boolean.TRUE.equals(alice.js(
                "return parley.state === 'online' && parley.ws !== window.droppedSocket")));
        bob.say("welcome back");
        alice.awaitMessage(room, "welcome back");
        assertThat(alice.seqs(room)).containsExactly(first, first + 1, first + 2, first + 3, first + 4);

        bob.leave(room);
        alice.waitFor(d -> alice.members().equals(List.of("alice", "carol")));
        assertThat(alice.js("return [...document.querySelectorAll('.messages .sys')].map(e => e.textContent)"))
                .asList().contains("bob left");

        // the TCP player edits, then deletes, its message: the page marks it and shows both events
        long said = first + 2;
        carol.send(EditMessageRequest.newBuilder().setRoomId(Long.parseLong(room)).setSeq(said)
                .setText("from the console, fixed").build());
        carol.send(DeleteMessageRequest.newBuilder().setRoomId(Long.parseLong(room)).setSeq(said).build());
        alice.awaitMessage(room, "(deleted #" + said + ")");
        assertThat(alice.messages(room)).extracting(ChatPage.Shown::seq, ChatPage.Shown::text).contains(
                tuple(said, "(deleted)"), tuple(first + 5, "(edited #" + said + ") from the console, fixed"),
                tuple(first + 6, "(deleted #" + said + ")"));
    }

    @Test
    void aReloadedPageResumesWithoutGapOrDuplicateAndOlderHistoryPagesIn() throws Exception {
        // join history 2: the resume below needs history paging for the messages it missed
        TestServer server = server(2);
        String room = aliceAndBobMeetIn(server, "Resume Hall");
        for (int i = 1; i <= 3; i++) {
            alice.say("before " + i);
        }
        bob.awaitMessage(room, "before 3");
        assertThat(bob.seqs(room)).containsExactly(1L, 2L, 3L);

        bob.reload();
        alice.waitFor(d -> alice.members().equals(List.of("alice")));
        for (int i = 1; i <= 3; i++) {
            alice.say("while away " + i);
        }
        alice.awaitMessage(room, "while away 3");

        bob.login("bob", "pw-bob");
        bob.awaitMessage(room, "while away 3");
        bob.say("back");
        alice.awaitMessage(room, "back");
        bob.awaitMessage(room, "back");
        assertThat(bob.seqs(room)).as("every message once, in order").containsExactlyElementsOf(range(1, 7));
        assertThat(bob.messages(room)).extracting(ChatPage.Shown::text).containsExactly(
                "before 1", "before 2", "before 3", "while away 1", "while away 2", "while away 3", "back");
        alice.waitFor(d -> alice.members().equals(List.of("alice", "bob")));

        // a newcomer gets the last 2 on joining and pages the rest in by scrolling up
        ChatPage carol = page(server).login("carol", "pw-carol");
        carol.joinRoom("Resume Hall");
        assertThat(carol.seqs(room)).containsExactly(6L, 7L);
        carol.scrollToTop(room);
        carol.waitFor(d -> carol.seqs(room).size() == 7);
        assertThat(carol.seqs(room)).containsExactlyElementsOf(range(1, 7));
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
