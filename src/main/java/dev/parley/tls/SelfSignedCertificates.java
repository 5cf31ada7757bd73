package dev.parley.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Development certificates ({@code --tls-self-signed}): an EC P-256 key and a self-signed
 * certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and this host's name,
 * generated with BouncyCastle. {@link #ensure} keeps the pair under the data directory and
 * reuses it across restarts, so a client can pin it with {@code --tls-ca}; it makes a new one
 * when the files are missing, unreadable or about to expire. Stateless; any thread.
 */
public final class SelfSignedCertificates {

    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificates.class);

    /** Where under the data directory the pair lives. */
    public static final String DIRECTORY = "tls";
    public static final String CERT_FILE = "self-signed-cert.pem";
    public static final String KEY_FILE = "self-signed-key.pem";
    public static final Duration VALIDITY = Duration.ofDays(365);
    /** A pair that expires sooner than this is replaced at start. */
    static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedCertificates() {
    }

    /**
     * The development pair under {@code dataDir}, made now unless a usable one is there; logs a
     * WARN either way, since such a certificate proves nothing to a client that has not pinned it.
     */
    public static CertificateFiles ensure(Path dataDir, Clock clock) throws IOException {
        Path dir = dataDir.resolve(DIRECTORY);
        CertificateFiles files = new CertificateFiles(dir.resolve(CERT_FILE), dir.resolve(KEY_FILE));
        Instant now = clock.instant();
        KeyMaterial existing = usable(files, now);
        if (existing == null) {
            KeyMaterial made = generate(hostNames(), now, VALIDITY, randomSerial());
            PemFiles.writeKey(files.key(), made.key());
            PemFiles.writeCertificates(files.cert(), made.chain());
            existing = made;
            log.warn("TLS: generated a self-signed certificate FOR DEVELOPMENT ONLY: {} in {}; clients must trust it "
                    + "explicitly (parley client --tls-ca {}) or skip verification (--tls-insecure). Use --tls-cert "
                    + "and --tls-key with a real certificate in production.", existing.describe(), dir.toAbsolutePath(),
                    files.cert().toAbsolutePath());
        } else {
            log.warn("TLS: using the self-signed certificate FOR DEVELOPMENT ONLY in {}: {}; clients trust it with "
                    + "--tls-ca {}", dir.toAbsolutePath(), existing.describe(), files.cert().toAbsolutePath());
        }
        return files;
    }

    /** The pair in {@code files} if it reads, matches and is valid for a while yet; else null. */
    private static KeyMaterial usable(CertificateFiles files, Instant now) {
        if (!Files.exists(files.cert()) || !Files.exists(files.key())) {
            return null;
        }
        try {
            KeyMaterial m = PemFiles.read(files.cert(), files.key());
            return m.leaf().getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE)) ? m : null;
        } catch (IOException e) {
            log.warn("TLS: replacing the unusable self-signed pair in {}: {}", files.cert().getParent(), e.getMessage());
            return null;
        }
    }

    /**
     * A new key and a certificate for {@code names} (the first is the common name; IP literals
     * become IP address entries, the rest DNS names), valid from a minute before {@code from}.
     */
    public static KeyMaterial generate(List<String> names, Instant from, Duration validity, BigInteger serial) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            // encoded O first, so it prints (RFC 2253, most specific first) as CN=...,O=...
            X500Name subject = new X500Name("O=Parley development,CN=" + names.get(0));
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(from.minus(Duration.ofMinutes(1))), Date.from(from.plus(validity)), subject,
                    keys.getPublic());
            List<GeneralName> alternatives = new ArrayList<>();
            for (String name : names) {
                alternatives.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                        : new GeneralName(GeneralName.dNSName, name));
            }
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(alternatives.toArray(new GeneralName[0])));
            // self-signed and trusted directly: it may act as its own issuer when a client pins it
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth}));
            var certificate = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new KeyMaterial(keys.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** A positive random 64-bit serial. */
    public static BigInteger randomSerial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    /** localhost, the loopback addresses and this host's name. */
    static List<String> hostNames() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // no resolvable host name: the loopback names still serve development
        }
        return List.copyOf(names);
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
