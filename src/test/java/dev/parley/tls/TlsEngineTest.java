package dev.parley.tls;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The engine choice: OpenSSL wherever netty-tcnative ships a library, the JDK's elsewhere. */
class TlsEngineTest {

    @Test
    void openSslIsUsedOnLinuxX8664WhereTheJarShipsIt() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(OpenSsl.unavailabilityCause()).isNull();
        assertThat(TlsEngine.pick()).isEqualTo(TlsEngine.OPENSSL);
        assertThat(TlsEngine.pick().describe()).contains("BoringSSL");
    }

    @Test
    void theEngineIsNamedForMetricsAndHealth() {
        assertThat(TlsEngine.OPENSSL.cliName()).isEqualTo("openssl");
        assertThat(TlsEngine.JDK.cliName()).isEqualTo("jdk");
        assertThat(TlsEngine.JDK.describe()).startsWith("JDK engine");
    }
}
