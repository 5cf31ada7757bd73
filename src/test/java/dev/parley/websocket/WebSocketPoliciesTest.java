package dev.parley.websocket;

import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.WebSocketTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The TCP connection policies hold over WebSocket: the rate limit, the connection caps. */
class WebSocketPoliciesTest {

    @TempDir
    Path dir;

    @Test
    void theRateLimitAppliesAsOnTcp() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.rateLimit(5));
             WebSocketTestClient c = WebSocketTestClient.connect(server.server().webSocketAddress().getPort(),
                     WebSocketTestClient.JSON)) {
            for (int i = 0; i < 40; i++) { // burst allowance is twice the rate
                c.send(PingRequest.newBuilder().setNonce(i).build());
            }
            ErrorNotify refused = c.expectSkipping(ErrorNotify.class);
            assertThat(refused.getResult()).isEqualTo(Result.RATE_LIMITED);
            assertThat(refused.getRetryAfterMs()).isPositive();
        }
    }

    @Test
    void aDrainTellsWebSocketMembersAndPassesConnectionsThatHaveNotUpgraded() throws Exception {
        TestServer server = TestServer.start(dir, c -> c.drain(java.time.Duration.ofMillis(500)));
        int port = server.server().webSocketAddress().getPort();
        try (WebSocketTestClient json = WebSocketTestClient.connect(port, WebSocketTestClient.JSON);
             java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) { // never upgrades
            json.loginOk("drained");
            Thread closer = new Thread(server::close);
            closer.start();
            assertThat(json.nextText()).startsWith("{\"type\":\"LoginResponse\"");
            assertThat(json.nextText()).startsWith("{\"type\":\"GoingAwayNotify\",\"body\":{");
            json.closeStatus();
            plain.setSoTimeout(5_000);
            assertThat(plain.getInputStream().read()).as("closed without a byte of a Parley frame").isEqualTo(-1);
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
        }
    }

    @Test
    void aConnectionOverAConnectionCapGetsHttp503() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.maxPerAddress(1));
             TestClient first = server.client()) { // the one connection 127.0.0.1 may hold, over TCP
            first.loginOk("first", "pw-first");
            Throwable refused = WebSocketTestClient.refused(server.server().webSocketAddress().getPort(),
                    HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(WebSocketTestClient.BINARY));
            assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(503);
            assertThat(server.server().meterRegistry().find("parley.connections.refused").tag("reason", "per_address")
                    .counter().count()).isEqualTo(1);
        }
    }
}
