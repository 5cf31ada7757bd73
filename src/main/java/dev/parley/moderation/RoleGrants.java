package dev.parley.moderation;

import dev.parley.store.ModerationStore;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The roles given to players through the server API, by player id: held in memory (loaded from
 * the {@code player_role} table at start) so that {@link Permissions} decides without the
 * database, and a change applies to an online player at its next request. Thread-safe.
 */
public final class RoleGrants {

    private final Map<Long, Set<String>> byPlayer = new ConcurrentHashMap<>();

    /** Adds the stored grants (at start). */
    public void load(List<ModerationStore.PlayerRole> rows) {
        Map<Long, Set<String>> loaded = new HashMap<>();
        for (ModerationStore.PlayerRole r : rows) {
            loaded.computeIfAbsent(r.playerId(), id -> new HashSet<>()).add(r.role());
        }
        loaded.forEach((id, roles) -> byPlayer.put(id, Set.copyOf(roles)));
    }

    /** Exactly the grants {@code rows} (read again from the database), replacing all held. */
    public void replaceAll(List<ModerationStore.PlayerRole> rows) {
        Set<Long> keep = new HashSet<>();
        rows.forEach(r -> keep.add(r.playerId()));
        byPlayer.keySet().retainAll(keep);
        load(rows);
    }

    /** The player's granted roles; empty when it has none. */
    public Set<String> of(long playerId) {
        return byPlayer.getOrDefault(playerId, Set.of());
    }

    /** Replaces the player's granted roles (empty = none). */
    public void set(long playerId, Collection<String> roles) {
        if (roles.isEmpty()) {
            byPlayer.remove(playerId);
        } else {
            byPlayer.put(playerId, Set.copyOf(roles));
        }
    }
}
