package dev.parley.loadgen;

import dev.parley.cli.Main;
import dev.parley.testing.TestServer;
import dev.parley.tls.SelfSignedCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A short load run over TLS (functional only: the TLS cost is measured with bench --tls). */
@Timeout(60)
class LoadgenTlsTest {

    @TempDir
    Path tmp;

    @Test
    void aShortRunOverTlsDeliversEverything() throws Exception {
        Path data = tmp.resolve("data");
        try (TestServer server = TestServer.start(data, c -> c.rateLimit(1_000).tlsSelfSigned(true))) {
            int code = Main.run("loadgen", "--port", String.valueOf(server.port()), "--clients", "20", "--rooms", "2",
                    "--rps", "5", "--warmup", "1s", "--duration", "2s", "--silent-connections", "2",
                    "--tls-ca", data.resolve(Bench.SELF_SIGNED_CERT).toString());
            assertThat(code).isZero();
            assertThat(server.server().meterRegistry().find("parley.tls.handshake.failures").counters())
                    .allSatisfy(c -> assertThat(c.count()).as(c.getId().toString()).isZero());
        }
    }

    @Test
    void theBenchLooksForTheDevelopmentCertificateWhereTheServerKeepsIt() {
        assertThat(Bench.SELF_SIGNED_CERT).isEqualTo(
                Path.of(SelfSignedCertificates.DIRECTORY, SelfSignedCertificates.CERT_FILE));
    }
}
