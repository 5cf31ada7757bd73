package dev.parley.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes PEM files: a certificate chain ({@code BEGIN CERTIFICATE} blocks, leaf first)
 * and a private key, PKCS#8 ({@code BEGIN PRIVATE KEY}) or the older PKCS#1 / SEC 1 forms
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}). A pair is checked to belong
 * together (the key signs, the certificate's public key verifies), so a mismatch is an error at
 * start or at reload rather than at every handshake. Stateless; any thread.
 */
public final class PemFiles {

    /** How to turn a key Parley cannot read into one it can. */
    static final String CONVERT_HINT = "convert it to an unencrypted PKCS#8 key with: "
            + "openssl pkcs8 -topk8 -nocrypt -in KEY -out key-pkcs8.pem";

    private PemFiles() {
    }

    /** The pair in {@code certFile} and {@code keyFile}; an {@link IOException} names the file and what is wrong. */
    public static KeyMaterial read(Path certFile, Path keyFile) throws IOException {
        requireReadable("tls-cert", certFile);
        requireReadable("tls-key", keyFile);
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKey key = readKey(keyFile);
        KeyMaterial pair = new KeyMaterial(key, chain);
        checkPair(pair, certFile, keyFile);
        return pair;
    }

    private static void requireReadable(String setting, Path file) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(setting + " " + file + ": no such file, or not readable by this user");
        }
    }

    /** Every certificate in a PEM file, in order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("tls-cert " + file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException("tls-cert " + file + ": no BEGIN CERTIFICATE block");
        }
        return out;
    }

    /** The first private key in a PEM file. */
    public static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 / SEC 1
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("tls-key " + file + ": the key is encrypted with a passphrase; "
                            + CONVERT_HINT);
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("tls-key ")) {
                throw e;
            }
            throw new IOException("tls-key " + file + ": cannot read the private key (" + e.getMessage() + "); "
                    + CONVERT_HINT, e);
        }
        throw new IOException("tls-key " + file + ": no private key (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY); "
                + CONVERT_HINT);
    }

    /** Signs with the key and verifies with the leaf's public key. */
    private static void checkPair(KeyMaterial pair, Path certFile, Path keyFile) throws IOException {
        String algorithm = switch (pair.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the engine checks it at the handshake
        }
        try {
            byte[] probe = "parley key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(pair.key());
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pair.leaf().getPublicKey());
            v.update(probe);
            if (v.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not a pair either
        }
        throw new IOException("tls-key " + keyFile + " does not belong to the certificate in tls-cert " + certFile
                + " (" + pair.describe() + ")");
    }

    /** Writes the certificate chain, replacing {@code file} atomically. */
    public static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : chain) {
                w.writeObject(new JcaMiscPEMGenerator(c));
            }
        }
        replace(file, out.toString(), false);
    }

    /** Writes the key as unencrypted PKCS#8, readable by the owner only, replacing {@code file} atomically. */
    public static void writeKey(Path file, PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        }
        replace(file, out.toString(), true);
    }

    private static void replace(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory's permissions protect it
                }
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
