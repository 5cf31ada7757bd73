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
