package dev.parley.client.console;

import dev.parley.client.TlsOptions;
import dev.parley.tls.SelfSignedCertificates;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The console client against a server with its development certificate, pinned with --tls-ca. */
@Timeout(60)
class ConsoleClientTlsTest {

    @TempDir
    Path data;

    @Test
    void chatsOverTlsTrustingThePinnedCertificateAndFailsWithoutTls() throws Exception {
        try (TestServer server = TestServer.start(data, c -> c.tlsSelfSigned(true))) {
            Path cert = data.resolve(SelfSignedCertificates.DIRECTORY).resolve(SelfSignedCertificates.CERT_FILE);
            ConsoleSession tina = ConsoleSession.start(ClientOptions.of("127.0.0.1", server.port(), "tina", "pw-tina")
                    .withTls(TlsOptions.trusting(cert)));
            tina.out.await("Logged in as tina");
            tina.in.line("/create Vault");
            tina.out.await("Created room Vault");
            tina.in.line("secret plans");
            tina.out.await("tina: secret plans");
            tina.in.line("/quit");
            assertThat(tina.exitCode()).isZero();

            ConsoleSession plain = ConsoleSession.start(ClientOptions.of("127.0.0.1", server.port(), "pat", "pw-pat"));
            plain.in.end();
            assertThat(plain.exitCode()).as("cannot connect: a plaintext client on a TLS port").isNotZero();
        }
    }
}
