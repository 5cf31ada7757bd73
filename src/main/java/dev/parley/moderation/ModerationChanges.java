package dev.parley.moderation;

import java.util.List;

/**
 * Told of each ban, mute and role change once {@link ModerationService} has stored it: what a
 * cluster passes on to its other nodes (cluster.ClusterModeration). Called on the blocking pool,
 * in the order the changes were stored; must not block. {@link #NONE} on a single node.
 */
public interface ModerationChanges {

    ModerationChanges NONE = new ModerationChanges() {
    };

    /** {@code playerId} (name {@code name}) is banned as {@code ban} says. */
    default void banned(long playerId, String name, Bans.Ban ban) {
    }

    /** {@code playerId}'s ban is lifted. */
    default void unbanned(long playerId) {
    }

    /** {@code playerId} is muted in {@code mute.roomId()} (0 = everywhere) as {@code mute} says. */
    default void muted(long playerId, Mutes.Mute mute) {
    }

    /** {@code playerId}'s mute in {@code roomId} (0 = everywhere) is lifted. */
    default void unmuted(long playerId, long roomId) {
    }

    /** {@code playerId}'s roles given through the server API are now exactly {@code roles}. */
    default void rolesSet(long playerId, List<String> roles) {
    }
}
