package dev.parley.tls;

import dev.parley.testing.TestCertificates;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading PEM pairs: the key forms Parley takes, and a clear error for each it does not. */
class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenPairReadsBackAsPkcs8() throws Exception {
        KeyMaterial pair = TestCertificates.pair(5);
        CertificateFiles files = TestCertificates.write(dir, pair);
        assertThat(Files.readString(files.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        KeyMaterial read = files.read();
        assertThat(read.leaf()).isEqualTo(pair.leaf());
        assertThat(read.key().getEncoded()).isEqualTo(pair.key().getEncoded());
    }

    @Test
    void anRsaKeyInPkcs1FormIsReadToo() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TEN, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name,
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Path key = dir.resolve("rsa.key");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(keys); // a key pair is written in the PKCS#1 form
        }
        Files.writeString(key, pem.toString());
        assertThat(pem.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Path certFile = dir.resolve("rsa.pem");
        PemFiles.writeCertificates(certFile, List.of(cert));

        KeyMaterial read = PemFiles.read(certFile, key);
        assertThat(read.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(read.leaf().getSerialNumber()).isEqualTo(BigInteger.TEN);
    }

    @Test
    void anEncryptedKeySaysHowToDecryptIt() throws Exception {
        KeyMaterial pair = TestCertificates.pair(6);
        Path key = dir.resolve("encrypted.key");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(new JcaPKCS8Generator(pair.key(), new JceOpenSSLPKCS8EncryptorBuilder(
                    PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC).setPassword("secret".toCharArray()).build()));
        }
        Files.writeString(key, pem.toString());
        assertThatThrownBy(() -> PemFiles.readKey(key))
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aKeyOfAnotherCertificateOrNoKeyAtAllIsRefusedWithTheFileNamed() throws Exception {
        CertificateFiles files = TestCertificates.write(dir, TestCertificates.pair(1));
        PemFiles.writeKey(files.key(), TestCertificates.pair(2).key());
        assertThatThrownBy(files::read).hasMessageContaining("does not belong to the certificate")
                .hasMessageContaining(files.key().toString());

        Files.writeString(files.key(), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(files::read).hasMessageContaining("tls-key " + files.key());
        Files.writeString(files.cert(), "hello");
        assertThatThrownBy(files::read).hasMessageStartingWith("tls-cert " + files.cert());
    }
}
