package dev.parley.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The keys of {@code --api-key-file}: one per line (blank lines and {@code #} comments ignored),
 * several so a key can be rotated without a gap. A caller is known by its key's <em>id</em>, a
 * short fingerprint (the first 12 hex digits of its SHA-256), which is what logs and the audit
 * log show; the key itself is never logged. Immutable; any thread.
 */
public final class ApiKeys {

    /** Shorter keys are refused at start: an API key must not be guessable. */
    public static final int MIN_KEY_LENGTH = 16;
    private static final String BEARER = "Bearer ";

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Reads the key file.
     *
     * @throws IllegalArgumentException naming the file and the problem (unreadable, no key, a key too short)
     */
    public static ApiKeys load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e.getMessage());
        }
        List<byte[]> digests = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String key = line.strip();
            if (key.isEmpty() || key.startsWith("#")) {
                continue;
            }
            if (key.length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("API key file " + file + " line " + n + ": a key must have at least "
                        + MIN_KEY_LENGTH + " characters");
            }
            digests.add(sha256(key));
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("API key file " + file + " holds no key");
        }
        return new ApiKeys(List.copyOf(digests));
    }

    /**
     * The id of the key an {@code Authorization} header carries, or null when it carries none
     * or an unknown one. Compares the key's digest with every configured one in constant time,
     * so neither the time nor the order of keys tells how much of a guess was right.
     */
    public String authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        byte[] given = sha256(authorization.substring(BEARER.length()).strip());
        byte[] match = null;
        for (byte[] d : digests) {
            if (MessageDigest.isEqual(d, given)) {
                match = d;
            }
        }
        return match == null ? null : idOf(match);
    }

    /** The id a key is known by. */
    public static String id(String key) {
        return idOf(sha256(key.strip()));
    }

    private static String idOf(byte[] digest) {
        return "key:" + HexFormat.of().formatHex(digest, 0, 6);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
