package dev.parley.testing;

import dev.parley.tls.CertificateFiles;
import dev.parley.tls.KeyMaterial;
import dev.parley.tls.PemFiles;
import dev.parley.tls.SelfSignedCertificates;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for tests, made when a test runs (no private key is committed): a pair for
 * localhost and 127.0.0.1 with a chosen serial, written as PEM files.
 */
public final class TestCertificates {

    private TestCertificates() {
    }

    /** A new pair for localhost/127.0.0.1 with {@code serial}. */
    public static KeyMaterial pair(long serial) {
        return SelfSignedCertificates.generate(List.of("localhost", "127.0.0.1"), Instant.now(), Duration.ofDays(1),
                BigInteger.valueOf(serial));
    }

    /** Writes {@code pair} to {@code dir}/cert.pem and key.pem (replacing them) and returns the files. */
    public static CertificateFiles write(Path dir, KeyMaterial pair) throws IOException {
        Files.createDirectories(dir);
        CertificateFiles files = new CertificateFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        PemFiles.writeKey(files.key(), pair.key());
        PemFiles.writeCertificates(files.cert(), pair.chain());
        return files;
    }

    /** A PEM file trusting all of {@code pairs}' certificates, for a client's tls-ca. */
    public static Path trustFile(Path file, KeyMaterial... pairs) throws IOException {
        List<X509Certificate> all = new ArrayList<>();
        for (KeyMaterial p : pairs) {
            all.addAll(p.chain());
        }
        PemFiles.writeCertificates(file, all);
        return file;
    }
}
