package dev.parley.cluster;

/**
 * The Lua scripts of a cluster room: each changes the room's shared state and announces the
 * change on the room's channel in one atomic step, so the channel's order is the state's order
 * (docs/SCALING.md, "One order per room").
 */
final class RoomScripts {

    private RoomScripts() {
    }

    /**
     * Numbers a message: KEYS lease, seq, log; ARGV epoch, floor, channel, message (unnumbered),
     * log length. Refused (an error reply starting FENCED) unless this node still holds the lease
     * of that epoch. A missing counter (Redis lost its data) continues at {@code floor}. The
     * message goes to the room's log (a stream keyed by seq) and to its channel; returns the seq.
     */
    static final LuaScript PUBLISH = LuaScript.of("publish", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return redis.error_reply('FENCED this node does not hold its cluster lease')
            end
            if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[2]) end
            local seq = redis.call('INCR', KEYS[2])
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], seq .. '-0', 'm', ARGV[4])
            redis.call('PUBLISH', ARGV[3], 'M' .. seq .. ' ' .. ARGV[4])
            return seq
            """);

    /** A member of this node joined: KEYS members, node memberships; ARGV player id, value, membership, channel. */
    static final LuaScript JOIN = LuaScript.of("join", """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            redis.call('PUBLISH', ARGV[4], 'J' .. ARGV[2])
            return 1
            """);

    /**
     * A member of this node left: KEYS members, node memberships, rooms, seq, log; ARGV player id,
     * {@code nodeId|}, membership, channel, room id, ad-hoc ('1'/'0'), rooms channel. Only this
     * node's entry is removed (the player may have moved to another node meanwhile); an ad-hoc
     * room that no node has members in any more is removed from the cluster.
     */
    static final LuaScript LEAVE = LuaScript.of("leave", """
            local removed = 0
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if v and string.sub(v, 1, #ARGV[2]) == ARGV[2] then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('PUBLISH', ARGV[4], 'L' .. ARGV[1])
              removed = 1
            end
            redis.call('SREM', KEYS[2], ARGV[3])
            if ARGV[6] == '1' and redis.call('HLEN', KEYS[1]) == 0 then
              redis.call('HDEL', KEYS[3], ARGV[5])
              redis.call('DEL', KEYS[4], KEYS[5])
              redis.call('PUBLISH', ARGV[7], 'D' .. ARGV[5])
            end
            return removed
            """);

    /**
     * A room exists: KEYS rooms, seq; ARGV room id, RoomInfo, rooms channel, seq to start from
     * (kept if the cluster numbers the room already; empty = leave the counter alone: the first
     * message continues it from its floor).
     */
    static final LuaScript REGISTER = LuaScript.of("register", """
            local isNew = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'NX') end
            if isNew == 1 then redis.call('PUBLISH', ARGV[3], 'C' .. ARGV[2]) end
            return isNew
            """);

    /** The room is removed (server API): KEYS rooms, members; ARGV room id, channel, event, rooms channel. */
    static final LuaScript REMOVE = LuaScript.of("remove", """
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[2])
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            redis.call('PUBLISH', ARGV[4], 'D' .. ARGV[1])
            return 1
            """);
}
