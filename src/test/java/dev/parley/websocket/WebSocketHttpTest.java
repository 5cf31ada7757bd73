package dev.parley.websocket;

import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestServer;
import dev.parley.testing.WebSocketTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket listener's HTTP side and its time rules, against a real server: the browser
 * page's files (content types, caching, 404, no way out of the web folder), the upgrade
 * timeout, and WebSocket pings not keeping a silent session alive.
 */
class WebSocketHttpTest {

    @TempDir
    Path dir;

    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            // a raw request: no client library normalizes the path on the way
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesThePageWithItsContentTypeAndRevalidation() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            int port = server.server().webSocketAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(root.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(root.body()).contains("<html");
            String etag = root.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(get(port, "/nothing-here.js")).startsWith("HTTP/1.1 404");
            assertThat(get(port, "/ws")).startsWith("HTTP/1.1 400").contains("/ws takes WebSocket upgrades only");
            assertThat(StaticFiles.contentType("app.js")).isEqualTo("text/javascript; charset=utf-8");
            assertThat(StaticFiles.contentType("style.css")).isEqualTo("text/css; charset=utf-8");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../logback.xml", "/%2e%2e/logback.xml", "/..%2flogback.xml", "/web/../../logback.xml",
            "/./index.html", "//logback.xml", "/.hidden.html", "/index.html/..", "/dev/parley/cli/version.properties",
            "/../dev/parley/cli/Main.class", "/..\\logback.xml"})
    void nothingOutsideTheWebFolderIsServed(String path) throws Exception {
        // logback.xml and the classes exist on the classpath, one level above web/
        assertThat(getClass().getClassLoader().getResource("logback.xml")).isNotNull();
        try (TestServer server = TestServer.start(dir)) {
            String response = get(server.server().webSocketAddress().getPort(), path);
            assertThat(response).matches("(?s)HTTP/1.1 (404|400).*").doesNotContain("<configuration");
        }
    }

    @Test
    void aConnectionThatDoesNotUpgradeIsClosedAfterTheLoginTimeout() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.loginTimeout(Duration.ofMillis(300)));
             Socket s = new Socket("127.0.0.1", server.server().webSocketAddress().getPort())) {
            s.setSoTimeout(5_000);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, nothing sent
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void webSocketPingsAreNotActivity() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.idleTimeout(Duration.ofSeconds(3)));
             WebSocketTestClient c = WebSocketTestClient.connect(server.server().webSocketAddress().getPort(),
                     WebSocketTestClient.JSON)) {
            c.loginOk("pinger");
            long start = System.nanoTime();
            // a client that only pings at the WebSocket level is silent to Parley: the idle rule closes it
            Thread pinger = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        c.ping(ByteBuffer.wrap(new byte[]{1}));
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            pinger.start();
            try {
                ErrorNotify e = c.expect(ErrorNotify.class);
                assertThat(e.getResult()).isEqualTo(Result.TIMED_OUT);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
                assertThat(c.closeStatus()).isEqualTo(1008);
            } finally {
                pinger.interrupt();
                pinger.join();
            }
        }
    }
}
