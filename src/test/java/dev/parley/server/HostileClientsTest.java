package dev.parley.server;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The findings of the hostile-client review, repeated from outside over loopback with small
 * bounded counts: silent connections, ghosts, non-reading flooders and connection floods are
 * handled by policy, counted, and nobody else notices.
 */
class HostileClientsTest {

    @TempDir
    Path dir;

    private static double policy(TestServer s, String name, String reason) {
        MeterRegistry r = s.server().meterRegistry();
        return r.get(name).tag("reason", reason).counter().count();
    }

    /** A raw socket from {@code source} (any 127.0.0.0/8 address) that reads until the server closes it. */
    private static Socket raw(int port, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void awaitConnections(TestServer server, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.server().meterRegistry().get("parley.connections").gauge().value() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(server.server().meterRegistry().get("parley.connections").gauge().value()).isEqualTo(n);
    }

    /** Reads what the server sends until it closes the connection; the messages, decoded. */
    private static List<MessageLite> readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] all = in.readAllBytes(); // SO_TIMEOUT bounds the wait
        return Wire.decodeServerFrames(all);
    }

    @Test
    void connectionsThatNeverLogInAreToldAndClosedAndARealPlayerGetsIn() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.loginTimeout(Duration.ofSeconds(1)))) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = raw(server.port(), "127.0.0.1");
                    if (i % 2 == 1) {
                        s.getOutputStream().write(new byte[]{0, 40}); // half a header, then nothing
                    }
                    silent.add(s);
                }
                // meanwhile a real player logs in and chats
                try (TestClient real = server.login("real")) {
                    real.send(PingRequest.newBuilder().setNonce(7).build());
                    assertThat(real.expect(PongResponse.class).getNonce()).isEqualTo(7);
                }
                long started = System.nanoTime();
                for (Socket s : silent) {
                    List<MessageLite> got = readUntilClosed(s);
                    assertThat(got).singleElement().isInstanceOfSatisfying(ErrorNotify.class,
                            e -> assertThat(e.getResult()).isEqualTo(Result.TIMED_OUT));
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
            assertThat(policy(server, "parley.policy.disconnects", "login_timeout")).isEqualTo(200);
        }
    }

    @Test
    void aGhostIsReplacedByItsPlayersNewConnectionAndTheRoomSeesOneLeaveAndOneJoin() throws Exception {
        try (TestServer server = TestServer.start(dir);
             TcpProxy network = TcpProxy.to(server.port());
             TestClient bob = server.login("bob")) {
            bob.send(CreateRoomRequest.newBuilder().setName("raid").build());
            long room = bob.expect(CreateRoomResponse.class).getRoom().getRoomId();
            TestClient phone = TestClient.connect("127.0.0.1", network.port());
            phone.loginOk("frank", "pw-frank");
            phone.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            phone.expect(JoinRoomResponse.class);
            assertThat(bob.expect(MemberJoinedNotify.class).getMember().getName()).isEqualTo("frank");

            network.strand();
            phone.close(); // the phone switched networks: its socket is gone, the server's stays open
            bob.expectNothing(300); // the server cannot tell: frank is a ghost in the room

            try (TestClient again = server.client()) {
                assertThat(again.login("frank", "pw-frank").getResult()).isEqualTo(Result.OK);
                // the ghost left before the new login was answered: a rejoin is a clean join
                assertThat(bob.expect(MemberLeftNotify.class).getMember().getName()).isEqualTo("frank");
                again.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
                JoinRoomResponse joined = again.expect(JoinRoomResponse.class);
                assertThat(joined.getMembersList()).extracting(m -> m.getName()).containsExactlyInAnyOrder("bob", "frank");
                assertThat(bob.expect(MemberJoinedNotify.class).getMember().getName()).isEqualTo("frank");
                bob.expectNothing(200);
            }
            assertThat(policy(server, "parley.policy.disconnects", "replaced")).isEqualTo(1);
        }
    }

    @Test
    void nonReadingFloodersAreClosedAndAnotherRoomChatsOn() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> {
                 c.rateLimit(50);
                 c.abuseGrace(Duration.ofSeconds(2));
                 c.slowReaderBytes(64 * 1024);
                 c.maxPendingBytes(256 * 1024);
             });
             TestClient alice = server.login("alice");
             TestClient carol = server.login("carol")) {
            alice.send(CreateRoomRequest.newBuilder().setName("calm").build());
            long calm = alice.expect(CreateRoomResponse.class).getRoom().getRoomId();
            carol.send(JoinRoomRequest.newBuilder().setRoomId(calm).build());
            carol.expect(JoinRoomResponse.class);
            alice.drain();

            List<TestClient> flooders = new ArrayList<>();
            try {
                TestClient first = server.login("flood0");
                first.send(CreateRoomRequest.newBuilder().setName("loud").build());
                long loud = first.expect(CreateRoomResponse.class).getRoom().getRoomId();
                flooders.add(first);
                for (int i = 1; i < 4; i++) {
                    TestClient f = server.login("flood" + i);
                    f.send(JoinRoomRequest.newBuilder().setRoomId(loud).build());
                    f.expect(JoinRoomResponse.class);
                    flooders.add(f);
                }
                flooders.forEach(TestClient::stopReading);
                String text = "x".repeat(1000);
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int round = 0;
                while (flooders.stream().anyMatch(TestClient::isOpen) && System.nanoTime() < end) {
                    for (TestClient f : flooders) {
                        for (int i = 0; i < 50 && f.isOpen(); i++) {
                            f.send(ChatRequest.newBuilder().setText(text).setClientMsgId(i).build());
                        }
                    }
                    // the calm room keeps its pace meanwhile
                    alice.send(ChatRequest.newBuilder().setText("calm " + round).build());
                    assertThat(carol.expectSkipping(ChatNotify.class).getText()).isEqualTo("calm " + round);
                    round++;
                    Thread.sleep(20);
                }
                // a client that does not read cannot see the close: let them read, then they see it
                flooders.forEach(TestClient::resumeReading);
                for (TestClient f : flooders) {
                    assertThat(f.awaitClosed(Duration.ofSeconds(10))).isTrue();
                }
            } finally {
                flooders.forEach(TestClient::close);
            }
            double closedByPolicy = policy(server, "parley.policy.disconnects", "flood")
                    + policy(server, "parley.policy.disconnects", "backlog")
                    + server.server().meterRegistry().get("parley.slow.reader.disconnects").counter().count();
            assertThat(closedByPolicy).isEqualTo(4);
            alice.send(ChatRequest.newBuilder().setText("after").build());
            assertThat(carol.expectSkipping(ChatNotify.class).getText()).isEqualTo("after");
        }
    }

    @Test
    void connectionsOverTheLimitsAreRefusedAndTheAdminPortStillAnswers() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> {
            c.maxConnections(4);
            c.maxPerAddress(2);
        })) {
            List<Socket> open = new ArrayList<>();
            try {
                open.add(raw(server.port(), "127.0.0.2"));
                open.add(raw(server.port(), "127.0.0.2"));
                // connections are admitted on their own event loops: wait until these two are in
                awaitConnections(server, 2);
                try (Socket third = raw(server.port(), "127.0.0.2")) {
                    assertThat(readUntilClosed(third)).singleElement().isInstanceOfSatisfying(ErrorNotify.class, e -> {
                        assertThat(e.getResult()).isEqualTo(Result.SERVER_BUSY);
                        assertThat(e.getReason()).contains("too many connections from 127.0.0.2");
                    });
                }
                open.add(raw(server.port(), "127.0.0.3"));
                open.add(raw(server.port(), "127.0.0.4"));
                awaitConnections(server, 4);
                try (Socket fifth = raw(server.port(), "127.0.0.5")) {
                    assertThat(readUntilClosed(fifth)).singleElement().isInstanceOfSatisfying(ErrorNotify.class,
                            e -> assertThat(e.getReason()).contains("maximum of 4 connections"));
                }
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().adminAddress().getPort()
                                + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            assertThat(policy(server, "parley.connections.refused", "per_address")).isEqualTo(1);
            assertThat(policy(server, "parley.connections.refused", "max_connections")).isEqualTo(1);
            // closed connections free their slots
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            TestClient later = null;
            while (later == null && System.nanoTime() < end) {
                TestClient c = server.client();
                c.send(PingRequest.newBuilder().setNonce(1).build());
                MessageLite m = c.next();
                if (m instanceof PongResponse) {
                    later = c;
                } else {
                    c.close();
                    Thread.sleep(50);
                }
            }
            assertThat(later).isNotNull();
            later.close();
        }
    }
}
