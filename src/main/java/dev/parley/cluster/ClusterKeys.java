package dev.parley.cluster;

/**
 * The names of every Redis key and pub/sub channel a cluster uses, in one place (docs/SCALING.md
 * lists them with their meaning). All start with {@code parley:}; a room's keys share the hash
 * tag {@code {r<id>}}, so a Redis Cluster keeps each room's counter, log and members on one shard.
 */
public final class ClusterKeys {

    private static final String PREFIX = "parley:";

    private ClusterKeys() {
    }

    /**
     * Stands for the node or room id in the key templates handed to Lua scripts (e.g.
     * {@code nodePlayers(ID_MARK)}, {@link #roomMembersTemplate()}): a script that finds ids in
     * Redis (the sweep of dead nodes) fills them in, so every name is still spelled only here.
     */
    static final String ID_MARK = "<id>";

    /** Counter: the last node lease epoch handed out (one INCR per node registration). */
    public static String epoch() {
        return PREFIX + "epoch";
    }

    /** Hash: node id → its lease epoch, for every registered node (what the sweep walks). */
    public static String nodes() {
        return PREFIX + "nodes";
    }

    /** String with a TTL: the node's lease, holding its epoch; gone = the node is dead. */
    public static String nodeLease(String nodeId) {
        return PREFIX + "node:" + nodeId;
    }

    /** Channel: commands addressed to one node. */
    public static String nodeChannel(String nodeId) {
        return PREFIX + "node:" + nodeId + ":cmd";
    }

    /** Hash: player name key → {@code nodeId}, where each online player is connected. */
    public static String presence() {
        return PREFIX + "presence";
    }

    /**
     * Hash: player name key → {@code playerId + ' ' + name}, for every name in {@link #presence()}
     * (written and removed by the same scripts): who is online, for listings.
     */
    public static String presenceNames() {
        return PREFIX + "presence:names";
    }

    /** Set: the name keys of the players one node holds (what the sweep of a dead node removes). */
    public static String nodePlayers(String nodeId) {
        return PREFIX + "node:" + nodeId + ":players";
    }

    /** Set: {@code roomId:playerId} of the room memberships one node holds. */
    public static String nodeMemberships(String nodeId) {
        return PREFIX + "node:" + nodeId + ":members";
    }

    /** Channel: what reaches one player wherever it is connected (direct messages, takeover, kick, ban). */
    public static String playerChannel(String nameKey) {
        return PREFIX + "player:" + nameKey;
    }

    /** Channel: moderation changes (bans, mutes, roles, blocked-words reloads) made on any node, once stored. */
    public static String moderationChannel() {
        return PREFIX + "moderation";
    }

    /** Hash: room id → RoomInfo bytes, every room of the cluster. */
    public static String rooms() {
        return PREFIX + "rooms";
    }

    /** Channel: rooms created and removed anywhere. */
    public static String roomsChannel() {
        return PREFIX + "rooms:events";
    }

    /** String: the room's last seq. */
    public static String roomSeq(long roomId) {
        return room(Long.toUnsignedString(roomId), ":seq");
    }

    /** Stream: the room's latest messages, with stream id {@code seq-0}. */
    public static String roomLog(long roomId) {
        return room(Long.toUnsignedString(roomId), ":log");
    }

    /** Hash: player id → {@code nodeId} + Member bytes, the room's members on every node. */
    public static String roomMembers(long roomId) {
        return room(Long.toUnsignedString(roomId), ":members");
    }

    /** Channel: the room's messages and member events. */
    public static String roomChannel(long roomId) {
        return room(Long.toUnsignedString(roomId), ":events");
    }

    /** {@link #roomMembers} with {@link #ID_MARK} for the room id. */
    static String roomMembersTemplate() {
        return room(ID_MARK, ":members");
    }

    /** {@link #roomChannel} with {@link #ID_MARK} for the room id. */
    static String roomChannelTemplate() {
        return room(ID_MARK, ":events");
    }

    private static String room(String roomId, String suffix) {
        return PREFIX + "{r" + roomId + "}" + suffix;
    }
}
