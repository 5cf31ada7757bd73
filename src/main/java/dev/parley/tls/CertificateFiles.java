package dev.parley.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Where a server's PEM certificate chain and private key are. Immutable. */
public record CertificateFiles(Path cert, Path key) {

    public CertificateFiles {
        Objects.requireNonNull(cert, "tls-cert");
        Objects.requireNonNull(key, "tls-key");
    }

    /** Reads and checks the pair now. */
    public KeyMaterial read() throws IOException {
        return PemFiles.read(cert, key);
    }

    /**
     * What changes when either file is replaced: both files' modification times and sizes. A file
     * that cannot be read has a stamp too, so its coming back is a change.
     */
    Stamp stamp() {
        return new Stamp(part(cert), part(key));
    }

    private static String part(Path file) {
        try {
            return Files.getLastModifiedTime(file) + "/" + Files.size(file);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The files' state at one poll. */
    record Stamp(String cert, String key) {
    }
}
