package dev.parley.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The development certificate: what it names, and when it is made anew. */
class SelfSignedCertificatesTest {

    @TempDir
    Path data;

    @Test
    void itNamesTheLoopbackAddressesAndThisHost() throws Exception {
        KeyMaterial m = new CertificateFiles(SelfSignedCertificates.ensure(data, Clock.systemUTC()).cert(),
                data.resolve("tls/self-signed-key.pem")).read();
        X509Certificate c = m.leaf();
        List<String> names = c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertThat(names).contains("localhost", "127.0.0.1");
        assertThat(names).anyMatch(n -> n.equals("0:0:0:0:0:0:0:1") || n.equals("::1"));
        assertThat(names).containsAll(SelfSignedCertificates.hostNames().stream()
                .filter(n -> !n.contains(":") && !n.matches("[\\d.]+")).toList());
        assertThat(m.key().getAlgorithm()).isEqualTo("EC");
        assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // server authentication
    }

    @Test
    void itIsKeptWhileValidAndMadeAnewShortlyBeforeItExpires() throws Exception {
        Instant now = Instant.now();
        CertificateFiles first = SelfSignedCertificates.ensure(data, Clock.fixed(now, ZoneOffset.UTC));
        var serial = first.read().leaf().getSerialNumber();
        CertificateFiles again = SelfSignedCertificates.ensure(data, Clock.fixed(now.plus(Duration.ofDays(30)),
                ZoneOffset.UTC));
        assertThat(again.read().leaf().getSerialNumber()).isEqualTo(serial);
        Instant nearlyExpired = now.plus(SelfSignedCertificates.VALIDITY).minus(Duration.ofDays(1));
        CertificateFiles renewed = SelfSignedCertificates.ensure(data, Clock.fixed(nearlyExpired, ZoneOffset.UTC));
        assertThat(renewed.read().leaf().getSerialNumber()).isNotEqualTo(serial);
    }

    @Test
    void theKeyFileIsReadableByItsOwnerOnly() throws Exception {
        CertificateFiles files = SelfSignedCertificates.ensure(data, Clock.systemUTC());
        assertThat(java.nio.file.Files.getPosixFilePermissions(files.key()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
