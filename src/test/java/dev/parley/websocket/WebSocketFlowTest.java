package dev.parley.websocket;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.Chat;
import dev.parley.testing.ChatClient;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.WebSocketTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket listener's flows against a real server over loopback, in both subprotocols:
 * login, create, join, chat, history, resume with last_seen_seq; and a TCP and a WebSocket
 * member in one room seeing one order.
 */
class WebSocketFlowTest {

    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int wsPort() {
        return server.server().webSocketAddress().getPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {WebSocketTestClient.BINARY, WebSocketTestClient.JSON})
    void loginCreateJoinChatHistoryAndResume(String subprotocol) throws Exception {
        String tag = subprotocol.endsWith("json") ? "j" : "b";
        try (WebSocketTestClient alice = WebSocketTestClient.connect(wsPort(), subprotocol);
             WebSocketTestClient bob = WebSocketTestClient.connect(wsPort(), subprotocol)) {
            alice.loginOk("alice" + tag);
            bob.loginOk("bob" + tag);
            long room = Chat.createRoom(alice, "ws-room-" + tag);
            assertThat(Chat.join(bob, room).getResult()).isEqualTo(Result.OK);
            alice.expectSkipping(MemberJoinedNotify.class);
            for (int i = 1; i <= 5; i++) {
                Chat.say(alice, "hello " + i, i);
            }
            List<ChatNotify> seenByBob = Chat.receive(bob, 5);
            assertThat(Chat.seqs(seenByBob)).isEqualTo(Chat.range(1, 5));
            assertThat(seenByBob.get(4).getText()).isEqualTo("hello 5");
            assertThat(Chat.seqs(Chat.receive(alice, 5))).isEqualTo(Chat.range(1, 5));

            HistoryResponse page = Chat.history(bob, room, null, 2L, 10);
            assertThat(page.getResult()).isEqualTo(Result.OK);
            assertThat(Chat.seqs(page.getMessagesList())).isEqualTo(Chat.range(3, 5));

            bob.close(); // bob drops after seq 2, say, and resumes: gets 3.. exactly once
            Chat.say(alice, "while away", 6);
            Chat.receive(alice, 1);
            try (WebSocketTestClient again = WebSocketTestClient.connect(wsPort(), subprotocol)) {
                again.loginOk("bob" + tag);
                JoinRoomResponse resumed = Chat.rejoin(again, room, 2);
                assertThat(resumed.getResult()).isEqualTo(Result.OK);
                assertThat(resumed.getHasGap()).isFalse();
                assertThat(Chat.seqs(resumed.getRecentList())).isEqualTo(Chat.range(3, 6));
            }
        }
    }

    @Test
    void aTcpAndAWebSocketMemberSeeOneOrder() throws Exception {
        try (TestClient tcp = server.login("tcpmix");
             WebSocketTestClient binary = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY);
             WebSocketTestClient json = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.JSON)) {
            binary.loginOk("binmix");
            json.loginOk("jsonmix");
            long room = Chat.createRoom(tcp, "mixed");
            Chat.join(binary, room);
            Chat.join(json, room);
            List<ChatClient> all = List.of(tcp, binary, json);
            for (int i = 0; i < 30; i++) {
                Chat.say(all.get(i % 3), "m" + i, i + 1);
            }
            List<List<String>> seen = all.stream().map(c -> Chat.receive(c, 30).stream()
                    .map(n -> n.getSeq() + ":" + n.getText() + ":" + n.getSender().getName()).toList()).toList();
            assertThat(seen.get(1)).isEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
            assertThat(seen.get(0)).hasSize(30).first().asString().startsWith("1:");
        }
    }
}
