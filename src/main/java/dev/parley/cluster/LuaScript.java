package dev.parley.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run atomically inside Redis, with its SHA-1 for {@code EVALSHA}. Every change of
 * shared cluster state that must not interleave with another node's (numbering a room's message,
 * claiming a player, sweeping a dead node) is one script. Immutable.
 */
public record LuaScript(String name, String body, String sha1) {

    /** A script from its source. */
    public static LuaScript of(String name, String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(name, body, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
