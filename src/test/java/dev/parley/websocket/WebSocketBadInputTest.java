package dev.parley.websocket;

import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestServer;
import dev.parley.testing.WebSocketTestClient;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on the WebSocket listener, against a real server: each violation is answered with
 * {@code ErrorNotify{PROTOCOL_VIOLATION}} and a reason, counted like a TCP violation, and the
 * connection closed; refused upgrades get their HTTP status and are counted.
 */
class WebSocketBadInputTest {

    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, c -> c.wsAllowedOrigins(java.util.List.of("https://game.example.com")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int wsPort() {
        return server.server().webSocketAddress().getPort();
    }

    private static double count(String name, String... tags) {
        MeterRegistry r = server.server().meterRegistry();
        return r.find(name).tags(tags).counter() == null ? 0 : r.find(name).tags(tags).counter().count();
    }

    /** Sends {@code send} and expects the violation's notice with {@code reason}, then the close. */
    private static void expectViolation(WebSocketTestClient c, String reason, Runnable send) throws Exception {
        double before = count("parley.protocol.violations");
        send.run();
        ErrorNotify e = c.expect(ErrorNotify.class);
        assertThat(e.getResult()).isEqualTo(Result.PROTOCOL_VIOLATION);
        assertThat(e.getReason()).contains(reason);
        c.closeStatus(); // the server closes
        assertThat(count("parley.protocol.violations")).isEqualTo(before + 1);
    }

    @Test
    void aBinaryFrameOverTheMaximumIsRefusedLikeOnTcp() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            byte[] body = new byte[9000 - 4];
            expectViolation(c, "frame length 9000 exceeds the maximum of 8192",
                    () -> c.sendBinary(Wire.raw(9000, MsgType.CHAT_REQUEST_VALUE, body)));
        }
    }

    @Test
    void aMessageOverTheWebSocketLimitIsAViolation() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            double before = count("parley.protocol.violations");
            try {
                c.sendBinary(new byte[8192 * WebSocketChannelInitializer.JSON_EXPANSION + 1]);
            } catch (java.util.concurrent.CompletionException e) {
                // the server may close before the client has finished sending the message
            }
            c.closeStatus(); // closed; the ErrorNotify before it may be lost: the server closes with the
                             // rest of the message unread, and the reset can overtake the notice
            assertThat(count("parley.protocol.violations")).isEqualTo(before + 1);
        }
    }

    @Test
    void aBinaryMessageMustHoldExactlyOneWholeFrame() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            expectViolation(c, "a message of 2 bytes holds no whole frame header", () -> c.sendBinary(new byte[]{0, 4}));
        }
        byte[] frame = Wire.frame(ChatRequest.newBuilder().setText("hi").build());
        byte[] trailing = Arrays.copyOf(frame, frame.length + 1);
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            expectViolation(c, "a message must carry exactly one frame: " + trailing.length + " bytes with a frame of length "
                    + frame.length, () -> c.sendBinary(trailing));
        }
        byte[] partial = Arrays.copyOf(frame, frame.length - 1);
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            expectViolation(c, "exactly one frame", () -> c.sendBinary(partial));
        }
    }

    @Test
    void eachSubprotocolTakesItsOwnMessageType() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.BINARY)) {
            expectViolation(c, "parley.v1 takes binary messages only", () -> c.sendText("{}"));
        }
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.JSON)) {
            expectViolation(c, "parley.v1.json takes text messages only",
                    () -> c.sendBinary(Wire.frame(ChatRequest.newBuilder().setText("hi").build())));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hello                                                  | not JSON",
            "{\"type\":\"ChatRequest\"} trailing                    | not JSON: malformed JSON at line 1 column 25",
            "[1,2]                                                  | must be an object",
            "{\"body\":{}}                                          | needs a string \"type\"",
            "{\"type\":\"Teleport\",\"body\":{}}                    | unknown message type \"Teleport\"",
            "{\"type\":\"ChatNotify\",\"body\":{}}                  | CHAT_NOTIFY may not be sent by a client",
            "{\"type\":\"ChatRequest\",\"body\":[]}                 | must be a JSON object",
            "{\"type\":\"ChatRequest\",\"body\":{\"clientMsgId\":\"x\"}} | the body of ChatRequest does not match",
            "{\"type\":\"ChatRequest\",\"body\":{\"text\":{\"a\":1}}}   | the body of ChatRequest does not match",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] | nested deeper than 32"})
    void aBadJsonMessageIsAViolationWithAReason(String text, String reason) throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.JSON)) {
            expectViolation(c, reason, () -> c.sendText(text));
        }
    }

    @Test
    void aJsonMessageMustFitAFrameOnceDecoded() throws Exception {
        try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.JSON)) {
            String text = "x".repeat(9000);
            expectViolation(c, "exceeds the maximum of 8192",
                    () -> c.sendText("{\"type\":\"ChatRequest\",\"body\":{\"text\":\"" + text + "\"}}"));
        }
    }

    @Test
    void anUpgradeWithoutAParleySubprotocolIsRefusedWith400() throws Exception {
        double before = count("parley.connections.refused", "reason", "ws_subprotocol");
        Throwable wrong = WebSocketTestClient.refused(wsPort(), HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("chat.v2"));
        assertThat(wrong).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) wrong).getResponse().statusCode()).isEqualTo(400);
        assertThat(((WebSocketHandshakeException) wrong).getResponse().body().toString())
                .contains("Sec-WebSocket-Protocol must offer parley.v1 or parley.v1.json");
        Throwable none = WebSocketTestClient.refused(wsPort(), HttpClient.newHttpClient().newWebSocketBuilder());
        assertThat(((WebSocketHandshakeException) none).getResponse().statusCode()).isEqualTo(400);
        assertThat(count("parley.connections.refused", "reason", "ws_subprotocol")).isEqualTo(before + 2);
    }

    @Test
    void aPageOfAnotherSiteIsRefusedWith403() throws Exception {
        double before = count("parley.connections.refused", "reason", "ws_origin");
        Throwable refused = WebSocketTestClient.refused(wsPort(), HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols(WebSocketTestClient.JSON).header("Origin", "https://evil.example.net"));
        assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(403);
        assertThat(count("parley.connections.refused", "reason", "ws_origin")).isEqualTo(before + 1);
        // this host's own page, a listed origin, and no Origin at all (not a browser) may
        for (String origin : new String[]{"http://127.0.0.1:" + wsPort(), "https://game.example.com", null}) {
            try (WebSocketTestClient c = WebSocketTestClient.connect(wsPort(), WebSocketTestClient.JSON, origin)) {
                c.loginOk("origin" + (origin == null ? "none" : Integer.toString(Math.abs(origin.hashCode()))));
            }
        }
    }
}
