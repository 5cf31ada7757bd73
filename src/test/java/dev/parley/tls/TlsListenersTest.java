package dev.parley.tls;

import dev.parley.client.CannotConnectException;
import dev.parley.client.ClientConfig;
import dev.parley.client.ClientTls;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.client.TlsOptions;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.testing.Chat;
import dev.parley.testing.TestCertificates;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.WebSocketTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS on a real server over loopback, with certificates made by the test: the client library
 * logs in and chats over TLS, a plaintext client on the TLS port is refused (and counted), a
 * TLS client on a plaintext port fails with a clear reason, the admin port serves HTTPS, and
 * changed certificate files reach new connections while a bad pair keeps the old certificate.
 */
@Timeout(60)
class TlsListenersTest {

    @TempDir
    Path tmp;

    private TestServer tlsServer(KeyMaterial pair) throws Exception {
        CertificateFiles files = TestCertificates.write(tmp.resolve("certs"), pair);
        // reloads only when the test asks (reloadIfChanged), never on a timer
        return TestServer.start(tmp.resolve("data"), c -> c.tlsCert(files.cert()).tlsKey(files.key())
                .tlsReloadInterval(Duration.ZERO));
    }

    private static double meter(TestServer server, String name, String tag, String value) {
        MeterRegistry r = server.server().meterRegistry();
        var counter = r.find(name).tag(tag, value).counter();
        return counter == null ? -1 : counter.count();
    }

    /** The certificate the server showed this client. */
    private static BigInteger serialSeenBy(TestClient c) throws Exception {
        SslHandler ssl = c.connection().channel().pipeline().get(SslHandler.class);
        return ((X509Certificate) ssl.engine().getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    @Test
    void theClientLibraryLogsInAndChatsOverTls() throws Exception {
        KeyMaterial pair = TestCertificates.pair(1001);
        Path ca = TestCertificates.trustFile(tmp.resolve("ca.pem"), pair);
        try (TestServer server = tlsServer(pair)) {
            assertThat(server.server().tls().enabled()).isTrue();
            LinkedBlockingQueue<ChatNotify> heard = new LinkedBlockingQueue<>();
            ClientConfig amyConfig = ClientConfig.builder("127.0.0.1", server.port()).name("amy").password("pw-amy")
                    .tls(TlsOptions.trusting(ca)).build();
            try (ParleyClient amy = ParleyClient.open(amyConfig, new ParleyListener() {
                     @Override
                     public void onChat(ChatNotify m) {
                         heard.add(m);
                     }
                 });
                 TestClient bob = TestClient.connect("127.0.0.1", server.port(), ClientTls.of(TlsOptions.trusting(ca)))) {
                bob.loginOk("bob", "pw-bob");
                long room = amy.await(amy.createRoom("Secure Room", 0)).getRoom().getRoomId();
                Chat.join(bob, room);
                assertThat(amy.await(amy.chat("over tls")).getText()).isEqualTo("over tls");
                assertThat(Chat.receive(bob, 1).get(0).getText()).isEqualTo("over tls");
                Chat.say(bob, "back at you", 1);
                ChatNotify back = heard.poll(10, TimeUnit.SECONDS);
                while (back != null && !back.getText().equals("back at you")) {
                    back = heard.poll(10, TimeUnit.SECONDS);
                }
                assertThat(back).isNotNull();
                assertThat(serialSeenBy(bob)).isEqualTo(BigInteger.valueOf(1001));
            }
        }
    }

    @Test
    void aPlaintextClientOnTheTlsPortIsRefusedAndCounted() throws Exception {
        try (TestServer server = tlsServer(TestCertificates.pair(7))) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                s.setSoTimeout(5_000);
                ByteBuf frame = Frames.encode(UnpooledByteBufAllocator.DEFAULT,
                        LoginRequest.newBuilder().setName("plain").setPassword("pw-plain").build());
                try {
                    s.getOutputStream().write(ByteBufUtil.getBytes(frame));
                } finally {
                    frame.release();
                }
                long start = System.nanoTime();
                InputStream in = s.getInputStream();
                // the server answers nothing a Parley client can read and closes: EOF (or a reset) soon
                try {
                    assertThat(in.readAllBytes()).as("no Parley reply, at most a TLS alert").hasSizeLessThan(64);
                } catch (IOException reset) {
                    // closed with unread data: also a refusal
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            }
            awaitMeter(server, "parley.tls.handshake.failures", "reason", "plaintext", 1);
        }
    }

    @Test
    void aTlsClientOnAPlaintextPortFailsWithAClearReason() throws Exception {
        try (TestServer server = TestServer.start(tmp.resolve("data"))) {
            assertThat(server.server().tls().enabled()).isFalse();
            ClientTls tls = ClientTls.of(TlsOptions.insecureForDevelopment());
            assertThatThrownBy(() -> TestClient.connect("127.0.0.1", server.port(), tls))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("TLS handshake failed");
            ClientConfig config = ClientConfig.builder("127.0.0.1", server.port()).name("tlsamy").password("pw")
                    .tls(TlsOptions.insecureForDevelopment()).build();
            assertThatThrownBy(() -> ParleyClient.open(config, new ParleyListener() { }))
                    .isInstanceOf(CannotConnectException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedByItsOwnCheck() throws Exception {
        KeyMaterial pair = TestCertificates.pair(8);
        Path otherCa = TestCertificates.trustFile(tmp.resolve("other.pem"), TestCertificates.pair(9));
        try (TestServer server = tlsServer(pair)) {
            assertThatThrownBy(() -> TestClient.connect("127.0.0.1", server.port(),
                    ClientTls.of(TlsOptions.trusting(otherCa))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("TLS handshake failed: the server's certificate is not trusted")
                    .hasMessageContaining("--tls-ca FILE");
        }
    }

    @Test
    void theWebSocketListenerSpeaksWssWithTheSameCertificateAndRefusesPlainWs() throws Exception {
        KeyMaterial pair = TestCertificates.pair(43);
        Path ca = TestCertificates.trustFile(tmp.resolve("ca.pem"), pair);
        try (TestServer server = tlsServer(pair)) {
            int wsPort = server.server().webSocketAddress().getPort();
            HttpClient https = HttpClient.newBuilder().sslContext(ClientTls.of(TlsOptions.trusting(ca)).jdkContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            try (WebSocketTestClient alice = WebSocketTestClient.connectTls(wsPort, WebSocketTestClient.JSON, https)) {
                alice.loginOk("wss-alice");
                long room = Chat.createRoom(alice, "over wss");
                Chat.say(alice, "hello through TLS", 1);
                assertThat(Chat.receive(alice, 1).get(0).getRoomId()).isEqualTo(room);
            }
            double before = meter(server, "parley.tls.handshake.failures", "reason", "plaintext");
            assertThatThrownBy(() -> WebSocketTestClient.connect(wsPort, WebSocketTestClient.BINARY))
                    .isInstanceOf(Exception.class);
            assertThat(meter(server, "parley.tls.handshake.failures", "reason", "plaintext")).isGreaterThan(before);
        }
    }

    @Test
    void theAdminPortServesHttpsWithTheSameCertificate() throws Exception {
        KeyMaterial pair = TestCertificates.pair(42);
        Path ca = TestCertificates.trustFile(tmp.resolve("ca.pem"), pair);
        try (TestServer server = tlsServer(pair)) {
            HttpClient https = HttpClient.newBuilder().sslContext(ClientTls.of(TlsOptions.trusting(ca)).jdkContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.server().adminAddress().getPort() + "/health"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"tls\":\"" + server.server().tls().engine().cliName() + "\"");
            assertThat(health.sslSession().orElseThrow().getPeerCertificates()[0])
                    .isEqualTo(pair.leaf());
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().adminAddress().getPort() + "/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void changedFilesReachNewConnectionsAndABadPairKeepsTheOldCertificate() throws Exception {
        KeyMaterial first = TestCertificates.pair(1);
        KeyMaterial second = TestCertificates.pair(2);
        Path ca = TestCertificates.trustFile(tmp.resolve("ca.pem"), first, second);
        ClientTls trusting = ClientTls.of(TlsOptions.trusting(ca));
        try (TestServer server = tlsServer(first);
             TestClient before = TestClient.connect("127.0.0.1", server.port(), trusting)) {
            ServerTls tls = server.server().tls();
            assertThat(serialSeenBy(before)).isEqualTo(BigInteger.ONE);
            assertThat(tls.reloadIfChanged()).as("nothing changed").isFalse();

            TestCertificates.write(tmp.resolve("certs"), second);
            assertThat(tls.reloadIfChanged()).as("a change is taken once it has held for one check").isFalse();
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(meter(server, "parley.tls.reloads", "result", "ok")).isEqualTo(1);
            try (TestClient after = TestClient.connect("127.0.0.1", server.port(), trusting)) {
                assertThat(serialSeenBy(after)).isEqualTo(BigInteger.TWO);
                after.loginOk("after", "pw-after");
            }
            // the connection from before keeps its session and still works
            before.loginOk("before", "pw-before");
            before.send(PingRequest.newBuilder().setNonce(5).build());
            assertThat(before.expectSkipping(PongResponse.class).getNonce()).isEqualTo(5);
            assertThat(serialSeenBy(before)).isEqualTo(BigInteger.ONE);

            // a certificate with somebody else's key: one error, the second pair stays in use
            CertificateFiles files = new CertificateFiles(tmp.resolve("certs/cert.pem"), tmp.resolve("certs/key.pem"));
            PemFiles.writeCertificates(files.cert(), TestCertificates.pair(3).chain());
            tls.reloadIfChanged();
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(meter(server, "parley.tls.reloads", "result", "failed")).as("counted once").isEqualTo(1);
            assertThat(tls.current().leaf().getSerialNumber()).isEqualTo(BigInteger.TWO);
            try (TestClient later = TestClient.connect("127.0.0.1", server.port(), trusting)) {
                assertThat(serialSeenBy(later)).isEqualTo(BigInteger.TWO);
            }
            // a file that is not PEM at all: the same
            Files.writeString(files.key(), "not a key");
            tls.reloadIfChanged();
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(meter(server, "parley.tls.reloads", "result", "failed")).isEqualTo(2);
        }
    }

    @Test
    void theReloadThreadPicksUpChangedFilesByItself() throws Exception {
        KeyMaterial first = TestCertificates.pair(21);
        KeyMaterial second = TestCertificates.pair(22);
        CertificateFiles files = TestCertificates.write(tmp.resolve("certs"), first);
        try (TestServer server = TestServer.start(tmp.resolve("data"), c -> c.tlsCert(files.cert()).tlsKey(files.key())
                .tlsReloadInterval(Duration.ofMillis(100)))) {
            TestCertificates.write(tmp.resolve("certs"), second);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.server().tls().current().leaf().equals(second.leaf()) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(server.server().tls().current().leaf()).isEqualTo(second.leaf());
            awaitMeter(server, "parley.tls.reloads", "result", "ok", 1);
        }
    }

    @Test
    void theSelfSignedDevelopmentCertificateIsKeptUnderTheDataDirectoryAndTrustedByPinning() throws Exception {
        Path data = tmp.resolve("data");
        BigInteger serial;
        try (TestServer server = TestServer.start(data, c -> c.tlsSelfSigned(true))) {
            Path cert = data.resolve(SelfSignedCertificates.DIRECTORY).resolve(SelfSignedCertificates.CERT_FILE);
            assertThat(cert).exists();
            serial = server.server().tls().current().leaf().getSerialNumber();
            try (TestClient c = TestClient.connect("127.0.0.1", server.port(), ClientTls.of(TlsOptions.trusting(cert)))) {
                c.loginOk("pinned", "pw-pinned");
                assertThat(serialSeenBy(c)).isEqualTo(serial);
            }
        }
        try (TestServer again = TestServer.start(data, c -> c.tlsSelfSigned(true))) {
            assertThat(again.server().tls().current().leaf().getSerialNumber()).as("kept across restarts")
                    .isEqualTo(serial);
        }
    }

    @Test
    void aServerWithAnUnusablePairDoesNotStartAndSaysWhichFile() throws Exception {
        CertificateFiles files = TestCertificates.write(tmp.resolve("certs"), TestCertificates.pair(11));
        PemFiles.writeKey(files.key(), TestCertificates.pair(12).key());
        assertThatThrownBy(() -> TestServer.start(tmp.resolve("data"), c -> c.tlsCert(files.cert()).tlsKey(files.key())))
                .isInstanceOf(IOException.class).hasMessageContaining("tls-key " + files.key())
                .hasMessageContaining("does not belong to the certificate");
        Path missing = tmp.resolve("missing.pem");
        assertThatThrownBy(() -> TestServer.start(tmp.resolve("data"), c -> c.tlsCert(missing).tlsKey(files.key())))
                .isInstanceOf(IOException.class).hasMessage("tls-cert " + missing + ": no such file, or not readable by this user");
        // the failed starts released the data directory
        TestServer.start(tmp.resolve("data")).close();
    }

    private static void awaitMeter(TestServer server, String name, String tag, String value, double atLeast)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (meter(server, name, tag, value) < atLeast && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(meter(server, name, tag, value)).isGreaterThanOrEqualTo(atLeast);
    }
}
