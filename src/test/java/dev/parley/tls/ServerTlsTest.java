package dev.parley.tls;

import dev.parley.testing.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS stage in a pipeline: what a listener gets from {@link ServerTls#addTo}, a refused
 * plaintext client and a handshake that never finishes, each closed, counted by reason and kept
 * from the handlers behind it.
 */
class ServerTlsTest {

    @TempDir
    Path dir;

    /** What reaches the handler behind the TLS stage. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        final List<Throwable> errors = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel();

        /** A connection with the TLS stage of {@code tls} and this behind it. */
        Behind(ServerTls tls) {
            tls.addTo(ch.pipeline());
            ch.pipeline().addLast(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    private ServerTls start(SimpleMeterRegistry registry, Duration handshakeTimeout) throws Exception {
        return ServerTls.start(TestCertificates.write(dir, TestCertificates.pair(3)), Duration.ZERO, handshakeTimeout,
                registry);
    }

    private static double failures(SimpleMeterRegistry registry, String reason) {
        return registry.get("parley.tls.handshake.failures").tag("reason", reason).counter().count();
    }

    @Test
    void offAddsNothingAndOnAddsTheHandlerAndTheWatchInFront() throws Exception {
        EmbeddedChannel plain = new EmbeddedChannel();
        ServerTls.off().addTo(plain.pipeline());
        assertThat(plain.pipeline().names()).doesNotContain("tls", "tls-handshake");
        assertThat(ServerTls.off().describe()).isEqualTo("off");
        plain.finishAndReleaseAll();

        try (ServerTls tls = start(new SimpleMeterRegistry(), Duration.ofSeconds(10))) {
            EmbeddedChannel ch = new EmbeddedChannel();
            tls.addTo(ch.pipeline());
            assertThat(ch.pipeline().names()).startsWith("tls", "tls-handshake");
            assertThat(ch.pipeline().get("tls")).isInstanceOf(SslHandler.class);
            assertThat(tls.describe()).isEqualTo(tls.engine().cliName());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aPlaintextClientIsClosedCountedAndNotReportedAsAnError() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ServerTls tls = start(registry, Duration.ofSeconds(10))) {
            Behind behind = new Behind(tls);
            EmbeddedChannel ch = behind.ch;
            ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
            ch.runPendingTasks();
            assertThat(ch.isOpen()).isFalse();
            assertThat(failures(registry, "plaintext")).isEqualTo(1);
            assertThat(behind.errors).isEmpty();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aHandshakeThatDoesNotFinishInTimeIsClosed() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ServerTls tls = start(registry, Duration.ofMillis(200))) {
            Behind behind = new Behind(tls);
            EmbeddedChannel ch = behind.ch;
            ch.advanceTimeBy(150, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertThat(ch.isOpen()).isTrue();
            ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
            assertThat(ch.isOpen()).isFalse();
            assertThat(failures(registry, "timeout")).isEqualTo(1);
            assertThat(behind.errors).isEmpty();
            ch.finishAndReleaseAll();
        }
    }
}
