package dev.parley.client;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's TLS settings: what turns TLS on, the development-only warning, bad trust files. */
class ClientTlsTest {

    @TempDir
    Path dir;

    @Test
    void plainTcpHasNoTlsAndACaFileOrInsecureTurnTlsOn() throws Exception {
        assertThat(ClientTls.of(TlsOptions.OFF)).isNull();
        assertThat(new TlsOptions(false, Path.of("ca.pem"), false).enabled()).isTrue();
        assertThat(new TlsOptions(false, null, true).enabled()).isTrue();
        assertThat(ClientTls.of(TlsOptions.DEFAULT)).isNotNull(); // the JDK's CAs
        assertThatThrownBy(() -> new TlsOptions(true, Path.of("ca.pem"), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
    }

    @Test
    void insecureLogsAWarningThatItIsForDevelopmentOnly() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ClientTls.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            ClientTls.of(TlsOptions.DEFAULT);
            assertThat(logged.list).isEmpty();
            ClientTls.of(TlsOptions.insecureForDevelopment());
            assertThat(logged.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("FOR DEVELOPMENT ONLY").contains("--tls-ca");
            });
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aMissingOrBrokenCaFileIsAnErrorNamingIt() throws IOException {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> ClientTls.of(TlsOptions.trusting(missing))).isInstanceOf(IOException.class)
                .hasMessageContaining("missing.pem");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertThatThrownBy(() -> ClientTls.of(TlsOptions.trusting(empty))).isInstanceOf(IOException.class)
                .hasMessageContaining("tls-ca " + empty);
        // the settings are data: the file is read when a client is made from them
        assertThatCode(() -> ClientConfig.builder("127.0.0.1", 7777).name("a").password("b")
                .tls(TlsOptions.trusting(empty)).build()).doesNotThrowAnyException();
        assertThatThrownBy(() -> ParleyClient.create(ClientConfig.builder("127.0.0.1", 7777).name("a").password("b")
                .tls(TlsOptions.trusting(empty)).build(), new ParleyListener() { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls-ca " + empty);
    }
}
