package dev.parley.cluster;

/**
 * A Lua script run atomically inside Redis. Every change of shared cluster state that must not
 * interleave with another node's (numbering a room's message, claiming a player, sweeping a dead
 * node) is one script. Sent by EVAL ({@link RedisLink#eval}); Redis caches it compiled. Immutable.
 */
public record LuaScript(String name, String body) {

    /** A script from its source. */
    public static LuaScript of(String name, String body) {
        return new LuaScript(name, body);
    }
}
