package dev.parley.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one rule for a shared-secret file (the backend's HS256 secret, the session signing key):
 * the secret is the file's text, surrounding whitespace and the final newline removed, used as
 * UTF-8 bytes exactly as JWT libraries use a string secret. So {@code head -c 32 /dev/urandom |
 * base64 > secret} gives a 44-byte secret, and the backend signs with that same text. At least
 * {@link #MIN_BYTES} bytes, as HS256 requires. Stateless.
 */
public final class SecretFile {

    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_BYTES = 32;

    private SecretFile() {
    }

    /**
     * The secret in {@code file}; {@code option} names the setting in the error.
     *
     * @throws IOException one line saying what is wrong: unreadable, or shorter than {@link #MIN_BYTES}
     */
    public static byte[] read(Path file, String option) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException(option + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] secret = text.getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_BYTES) {
            throw new IOException(option + ": " + file + " holds " + secret.length + " bytes; HS256 needs at least "
                    + MIN_BYTES + " (e.g. head -c 32 /dev/urandom | base64 > " + file.getFileName() + ")");
        }
        return secret;
    }
}
