package dev.parley.web;

import dev.parley.testing.Chat;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.openqa.selenium.OutputType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Takes the screenshots of the chat page in the README and docs/web.md (docs/img/web-chat.png
 * at desktop size, docs/img/web-chat-phone.png): a player in the browser chatting with players
 * on TCP clients. Not a test; run by hand after changing the page's look:
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.parley.web.WebScreenshots docs/img
 * </pre>
 */
public final class WebScreenshots {

    private long clientMsgId = 1;

    WebScreenshots() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/img");
        Files.createDirectories(out);
        Path data = Files.createTempDirectory("parley-shots-");
        try (TestServer server = TestServer.start(data, c -> c.wsPort(0).permanentRooms(List.of("lobby", "trade", "guild hall")))) {
            new WebScreenshots().take(WebPage.url(server), server::login, out);
        }
    }

    /** The pictures, of the page at {@code url}; {@code login} connects a logged-in TCP player. */
    void take(String url, Login login, Path out) throws Exception {
        try (TestClient bob = login.as("Bob");
             TestClient mira = login.as("Mira");
             TestClient zed = login.as("Zed")) {
            long raid = Chat.createRoom(bob, "Raid Night");
            Chat.join(mira, raid);
            // Bob receives each line of the room: waiting for it keeps the lines in this order
            say(bob, "evening all");
            Chat.receive(bob, 1);
            say(mira, "o/ who's in for the raid tonight?");
            Chat.receive(bob, 1);
            say(bob, "me, bringing the new shield");
            Chat.receive(bob, 1);

            Chat.join(zed, 1); // lobby, the first permanent room
            try (ChatPage page = ChatPage.open(url, Chromium.DESKTOP)) {
                page.login("Alice", "pw-Alice");
                String lobby = page.joinRoom("lobby");
                say(page, lobby, zed, "anyone selling dragon scales?");
                say(page, lobby, null, "try the trade room, Zed");
                String room = page.joinRoomAsWell("Raid Night", lobby);
                say(page, room, bob, "Raid starts at 21:00, meet at the north gate");
                say(page, room, null, "I'll bring potions and the healer's kit");
                say(page, room, mira, "tank here, need one more DPS");
                say(page, room, bob, "Kai said he'd join after his quest\nsave him a spot");
                if (page.hasTab(lobby)) {
                    say(page, lobby, zed, "thanks!"); // unread in the lobby tab
                }
                say(page, room, null, "see you there!");
                shoot(page, out.resolve("web-chat.png"));
            }
            try (ChatPage page = ChatPage.open(url, Chromium.PHONE)) {
                page.login("Kai", "pw-Kai");
                String room = page.joinRoom("Raid Night");
                say(page, room, bob, "Kai! you made it");
                say(page, room, null, "quest done, on my way to the north gate");
                say(page, room, mira, "perfect, that makes five");
                shoot(page, out.resolve("web-chat-phone.png"));
            }
        }
    }

    interface Login {
        TestClient as(String name) throws Exception;
    }

    private void say(TestClient client, String text) {
        Chat.say(client, text, clientMsgId++);
    }

    /** A line said by {@code client}, or by the page's player when null, once the page shows it. */
    private void say(ChatPage page, String room, TestClient client, String text) {
        if (client == null) {
            page.say(text);
        } else {
            say(client, text);
        }
        page.awaitMessage(room, text);
    }

    private static void shoot(ChatPage page, Path file) throws Exception {
        page.js("document.activeElement.blur(); document.querySelectorAll('.toast').forEach(t => t.remove())");
        Thread.sleep(300); // let the last scroll settle
        Files.write(file, page.driver.getScreenshotAs(OutputType.BYTES));
        System.out.println("wrote " + file);
    }
}
