package dev.parley.session;

import java.util.List;

/**
 * Which of a player's roles (from its token, {@code OnlinePlayer.roles()}) may delete other
 * players' messages. A stand-in until moderation's Permissions (branch {@code mod}) is on main:
 * that class replaces this one. Pure; any thread.
 */
final class Roles {

    private Roles() {
    }

    /** A moderator or admin: may delete any message of a room it is in. */
    static boolean moderates(List<String> roles) {
        return roles.contains("moderator") || roles.contains("admin");
    }
}
